"""Calibrate theme-to-backlog link confidence against demo truth, and report link quality.

Reads a warehouse that ``closedloop run`` built from a demo export, labels every evidence pair
of ``intermediate.int_theme_item_evidence_combined`` with the planted truth (is this theme the
item's driving theme?), fits a logistic regression on the evidence features, and prints the
coefficients to put in ``dbt_project.yml`` (vars ``link_confidence`` and, fitted without the
component terms for items that have no tracker components, ``link_confidence_without_components``).
With ``--evaluate`` it also reads the marts and prints link precision and recall and the
support-driven share per quarter against the truth. Writes ``bench/results/link_calibration.json``.

    .venv/bin/python bench/link_calibration.py --warehouse state/warehouse.duckdb --demo state/demo
    .venv/bin/python bench/link_calibration.py --warehouse W --demo D --evaluate
    .venv/bin/python bench/link_calibration.py --warehouse W1 --demo D1 --warehouse W2 --demo D2

Several --warehouse/--demo pairs are pooled into one fit (e.g. a large and a small demo, so the
coefficients hold at both volumes); --evaluate then scores each. Fit on some seeds and evaluate on
another: the coefficients must not be tuned to one demo (the shipped ones: seeds 5, 7, 11, 13 and
21, 20,000 tickets each; seeds 3 and 42 held out, see dbt_project/DECISIONS.md).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import duckdb
import numpy as np

from closedloop.demo.link_truth import evaluate_links, pair_labels

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "link_calibration.json"
FEATURES = ("explicit_share", "explicit_any", "similarity", "agreement", "top_theme", "log_tickets_before",
            "support_label", "planned_label", "lookalike", "component_fix_rate", "component_theme", "sibling_fix")
COMPONENT = ("component_fix_rate", "component_theme", "sibling_fix")
"""Left out of ``link_confidence_without_components``, the set for items without tracker components."""
TEMPORAL = ("rise_z", "drop_z")
"""Fitted only with --temporal: the shipped defaults give them no weight (see DECISIONS.md)."""


def features(con: duckdb.DuckDBPyConnection, temporal: bool = False) -> tuple[list[tuple[str, str]], np.ndarray]:
    """Pairs and their feature matrix, in the order the dbt model's logistic uses them.

    With ``temporal``, two more columns: the theme's rise before the item was created and its fall
    after the item shipped, as z-scores clipped to [-3, 6] as the dbt model clips them.
    """
    columns = [
        "explicit_share", "cast(explicit_tickets > 0 as double)", "coalesce(similarity, 0)",
        "coalesce(similarity, 0) * coalesce(theme_agreement, 0)",
        "cast(coalesce(similarity_rank = 1, false) as double)",
        "ln(1 + theme_tickets_before_created)", "cast(has_support_label as double)",
        "cast(has_planned_label as double)", "lookalike_similarity", "component_fix_rate",
        "component_fix_rate * component_theme_share", "cast(sibling_fixes > 0 as double)",
        "greatest(least(coalesce(rise_before_created_z, 0), 6), -3)",
        "greatest(least(coalesce(drop_after_shipped_z, 0), 6), -3)",
    ][: len(FEATURES) + (len(TEMPORAL) if temporal else 0)]
    rows = con.execute(f"SELECT theme_id, item_id, {', '.join(columns)} "
                       "FROM intermediate.int_theme_item_evidence_combined").fetchall()
    pairs = [(r[0], r[1]) for r in rows]
    x = np.array([r[2:] for r in rows], dtype=float).reshape(len(rows), len(columns))
    return pairs, x


def _evaluate(warehouse: Path, demo: Path) -> dict[str, object]:
    """Print and return link precision, recall and the quarterly share of one warehouse's marts."""
    ev = evaluate_links(warehouse, demo)
    print(f"\n{warehouse}: accepted links {ev.accepted_links}, precision {ev.precision:.3f}, "
          f"recall {ev.recall:.3f} ({ev.found_items}/{ev.driven_items} driven items found, "
          f"{ev.false_items} roadmap items linked); driving theme right for "
          f"{ev.correct_driving_items}/{ev.support_driven_items} support-driven items ({ev.driving_precision:.3f})")
    print(f"{'quarter':8} {'shipped':>7} {'measured':>9} {'lower':>6} {'upper':>6} {'truth':>6} {'error':>6}")
    fmt = lambda v: "" if v is None else f"{v:.3f}"  # noqa: E731
    for q in ev.quarters:
        print(f"{q.quarter:8} {q.shipped:7d} {fmt(q.measured):>9} {fmt(q.lower):>6} {fmt(q.upper):>6} "
              f"{fmt(q.truth):>6} {fmt(q.error):>6}")
    return {"warehouse": str(warehouse), "precision": ev.precision, "recall": ev.recall,
            "driving_precision": ev.driving_precision, "false_items": ev.false_items,
            "max_share_error": ev.max_share_error, "quarters": [q.__dict__ for q in ev.quarters]}


def pooled(warehouses: list[Path], demos: list[Path], temporal: bool) -> tuple[np.ndarray, np.ndarray]:
    """The feature matrix and the truth labels of every warehouse's pairs, stacked in the given order."""
    blocks, targets = [], []
    for warehouse, demo in zip(warehouses, demos, strict=True):
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            pairs, x_one = features(con, temporal)
            labels = {(t, i): y for t, i, y in pair_labels(con, demo)}
        finally:
            con.close()
        blocks.append(x_one)
        targets.append(np.array([labels[p] for p in pairs], dtype=int))
    return np.vstack(blocks), np.concatenate(targets)


def reliability_table(predicted: np.ndarray, y: np.ndarray, brier: float) -> list[dict[str, object]]:
    """Print and return, per confidence bin, the pairs, their mean predicted confidence and the observed rate."""
    print(f"\nreliability (in-sample; Brier {brier:.4f}):")
    print(f"{'confidence':>12} {'pairs':>6} {'mean p':>7} {'observed':>9}")
    reliability: list[dict[str, object]] = []
    for lo, hi in ((0.0, 0.1), (0.1, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)):
        mask = (predicted >= lo) & (predicted < hi)
        if mask.any():
            row = {"bin": f"{lo:.1f}-{min(hi, 1.0):.1f}", "pairs": int(mask.sum()),
                   "mean_p": float(predicted[mask].mean()), "observed": float(y[mask].mean())}
            reliability.append(row)
            print(f"{row['bin']:>12} {row['pairs']:6d} {row['mean_p']:7.3f} {row['observed']:9.3f}")
    return reliability


def main() -> None:
    """Fit, print and save."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True, action="append",
                        help="a warehouse built from a demo export (repeat to pool several)")
    parser.add_argument("--demo", type=Path, required=True, action="append",
                        help="the demo export folder with truth/ of each --warehouse, in the same order")
    parser.add_argument("--evaluate", action="store_true", help="also score the marts against truth")
    parser.add_argument("--c", type=float, default=1.0, help="inverse L2 strength of the logistic fit")
    parser.add_argument("--temporal", action="store_true",
                        help="also fit rise_z and drop_z (the theme's rise before creation, fall after shipping)")
    args = parser.parse_args()

    from sklearn.linear_model import LogisticRegression

    if len(args.warehouse) != len(args.demo):
        parser.error("give one --demo for each --warehouse")
    x, y = pooled(args.warehouse, args.demo, args.temporal)
    names = FEATURES + TEMPORAL if args.temporal else FEATURES
    model = LogisticRegression(C=args.c, max_iter=1000).fit(x, y)
    coefficients = {"intercept": round(float(model.intercept_[0]), 3)}
    coefficients |= {name: round(float(w), 3) for name, w in zip(names, model.coef_[0], strict=True)}
    # The set for items without tracker components: the same fit without the component terms.
    kept = [i for i, name in enumerate(names) if name not in COMPONENT]
    plain = LogisticRegression(C=args.c, max_iter=1000).fit(x[:, kept], y)
    without_components = {"intercept": round(float(plain.intercept_[0]), 3)}
    without_components |= {names[i]: round(float(w), 3) for i, w in zip(kept, plain.coef_[0], strict=True)}
    print(f"pairs: {len(y):,}  driving pairs: {int(y.sum()):,}")
    for var, values in (("link_confidence", coefficients), ("link_confidence_without_components", without_components)):
        print(f"{var}:")
        for name, value in values.items():
            print(f"  {name}: {value}")
    predicted = model.predict_proba(x)[:, 1]
    brier = float(np.mean((predicted - y) ** 2))
    reliability = reliability_table(predicted, y, brier)
    result: dict[str, object] = {"pairs": len(y), "positives": int(y.sum()), "coefficients": coefficients,
                                 "coefficients_without_components": without_components, "brier": brier,
                                 "reliability": reliability}
    if args.evaluate:
        result["evaluations"] = [_evaluate(warehouse, demo)
                                 for warehouse, demo in zip(args.warehouse, args.demo, strict=True)]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
