"""Refit the link confidence model on an account's own reviewed links.

The pipeline scores each (theme, item) pair with ``logistic(w . evidence)`` (dbt macro
``link_logit``; coefficients in the dbt vars ``link_confidence`` and, for items without tracker
components, ``link_confidence_without_components``). The shipped coefficients were fitted on demo
truth. Once people have confirmed and rejected enough links of their own (``review.link_decisions``
or a CSV of decisions), :func:`calibrate` fits both sets on those decisions, measures them
leave-one-quarter-out (each quarter of item creation scored by a fit on the other quarters) and
:func:`write_coefficients` puts them in ``$CLOSEDLOOP_HOME/config/link_confidence.json``, which
the dbt build passes as ``--vars`` (:func:`calibrated_vars`). Without that file the shipped
defaults of ``dbt_project.yml`` apply.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np

from closedloop.review.store import ReviewError

FEATURES = ("explicit_share", "explicit_any", "similarity", "agreement", "top_theme", "log_tickets_before",
            "support_label", "planned_label", "lookalike", "component_fix_rate", "component_theme", "sibling_fix")
"""The terms of ``link_logit`` fitted here, in the order of :data:`FEATURE_SQL`."""
COMPONENT = ("component_fix_rate", "component_theme", "sibling_fix")
"""Left out of ``link_confidence_without_components``."""
FEATURE_SQL = (
    "coalesce(explicit_share, 0)", "cast(coalesce(explicit_tickets, 0) > 0 as double)",
    "coalesce(similarity, 0)", "coalesce(similarity, 0) * coalesce(theme_agreement, 0)",
    "cast(coalesce(similarity_rank = 1, false) as double)", "ln(1 + coalesce(theme_tickets_before_created, 0))",
    "cast(coalesce(has_support_label, false) as double)", "cast(coalesce(has_planned_label, false) as double)",
    "coalesce(lookalike_similarity, 0)", "coalesce(component_fix_rate, 0)",
    "coalesce(component_fix_rate, 0) * coalesce(component_theme_share, 0)",
    "cast(coalesce(sibling_fixes, 0) > 0 as double)",
)
MIN_REVIEWED = 60
"""Reviewed pairs needed before a refit: at least this many, with :data:`MIN_EACH` of each decision."""
MIN_EACH = 15
MIN_QUARTERS = 2
CONFIG_FILE = Path("config") / "link_confidence.json"
"""Where, under ``$CLOSEDLOOP_HOME``, the refitted coefficients are kept."""
VARS = ("link_confidence", "link_confidence_without_components")


@dataclass(frozen=True)
class ReviewedPairs:
    """The evidence of every reviewed (theme, item) pair and its decision (1 confirmed, 0 rejected)."""

    pairs: list[tuple[str, str]]
    x: np.ndarray
    y: np.ndarray
    quarters: list[str]
    has_components: np.ndarray


@dataclass(frozen=True)
class QuarterScore:
    """Leave-one-quarter-out quality of the refitted coefficients on one quarter's reviewed pairs."""

    quarter: str
    pairs: int
    confirmed: int
    accepted: int
    true_positives: int
    log_loss: float

    @property
    def precision(self) -> float | None:
        """Confirmed pairs among those the held-out fit accepts (None when it accepts none)."""
        return self.true_positives / self.accepted if self.accepted else None

    @property
    def recall(self) -> float | None:
        """Confirmed pairs the held-out fit accepts / confirmed pairs (None without any)."""
        return self.true_positives / self.confirmed if self.confirmed else None


@dataclass
class Calibration:
    """Both coefficient sets, the pairs they were fitted on and their leave-one-quarter-out scores."""

    coefficients: dict[str, dict[str, float]]
    pairs: int
    confirmed: int
    threshold: float
    quarters: list[QuarterScore] = field(default_factory=list)

    @property
    def pooled(self) -> dict[str, float | None]:
        """Precision, recall and mean log loss over every held-out quarter's pairs together."""
        tp = sum(q.true_positives for q in self.quarters)
        accepted = sum(q.accepted for q in self.quarters)
        confirmed = sum(q.confirmed for q in self.quarters)
        loss = sum(q.log_loss * q.pairs for q in self.quarters) / max(1, sum(q.pairs for q in self.quarters))
        return {"precision": tp / accepted if accepted else None,
                "recall": tp / confirmed if confirmed else None, "log_loss": loss}


def read_decisions(con: duckdb.DuckDBPyConnection, reviews: Path | None) -> dict[tuple[str, str], int]:
    """``(item_id, theme_id) -> 1|0`` from a decisions CSV or, without one, ``review.link_decisions``.

    The CSV has the columns of the ``link_reviews`` seed: ``item_id, theme_id, decision`` (``confirmed``
    or ``rejected``; ``theme_id`` ``*`` rejects every pair of the item), other columns ignored.

    Raises:
        ReviewError: The file cannot be read, lacks a column or holds another decision (file, row, field).
    """
    if reviews is None:
        found = con.execute("select count(*) from information_schema.tables where table_schema = 'review' "
                            "and table_name = 'link_decisions'").fetchone()
        rows: Iterable[tuple[str, str, str]] = (
            con.execute("select item_id, theme_id, decision from review.link_decisions").fetchall()
            if found and found[0] else [])
        return _decided(rows, "review.link_decisions")
    try:
        with reviews.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"item_id", "theme_id", "decision"} - set(reader.fieldnames or [])
            if missing:
                raise ReviewError(f"{reviews}: missing column(s) {', '.join(sorted(missing))}")
            rows = [(r["item_id"], r["theme_id"], r["decision"]) for r in reader]
    except OSError as exc:
        raise ReviewError(f"{reviews}: cannot read ({exc.strerror})") from exc
    return _decided(rows, str(reviews))


def _decided(rows: Iterable[tuple[str, str, str]], source: str) -> dict[tuple[str, str], int]:
    decided: dict[tuple[str, str], int] = {}
    for number, (item_id, theme_id, decision) in enumerate(rows, start=2):
        value = (decision or "").strip().lower()
        if value not in ("confirmed", "rejected"):
            raise ReviewError(f"{source}, row {number}, field decision: {decision!r} is not confirmed or rejected")
        decided[(item_id, theme_id)] = 1 if value == "confirmed" else 0
    return decided


def reviewed_pairs(con: duckdb.DuckDBPyConnection, decisions: dict[tuple[str, str], int]) -> ReviewedPairs:
    """The evidence pairs (``intermediate.int_theme_item_evidence_combined``) a person decided.

    A pair confirmed without any automatic evidence has no features to learn from and is left out.
    """
    found = con.execute("select count(*) from information_schema.tables where table_schema = 'intermediate' "
                        "and table_name = 'int_theme_item_evidence_combined'").fetchone()
    if not found or not found[0]:
        raise ReviewError("the warehouse has no link evidence yet: run `closedloop run` first")
    rows = con.execute(
        f"select e.theme_id, e.item_id, coalesce(e.has_components, false), "
        f"cast(year(i.created_at) as varchar) || 'Q' || cast(quarter(i.created_at) as varchar), "
        f"{', '.join(FEATURE_SQL)} from intermediate.int_theme_item_evidence_combined as e "
        f"inner join staging.stg_backlog__items as i on e.item_id = i.item_id").fetchall()
    kept = [(r, decisions.get((r[1], r[0]), decisions.get((r[1], "*")))) for r in rows]
    kept = [(r, y) for r, y in kept if y is not None]
    width = len(FEATURES)
    return ReviewedPairs(
        pairs=[(r[0], r[1]) for r, _ in kept],
        x=np.array([r[4:] for r, _ in kept], dtype=float).reshape(len(kept), width),
        y=np.array([y for _, y in kept], dtype=int),
        quarters=[r[3] for r, _ in kept],
        has_components=np.array([bool(r[2]) for r, _ in kept], dtype=bool),
    )


def check_enough(data: ReviewedPairs) -> None:
    """Raise :class:`ReviewError` unless there are enough reviews to refit (stated minimums)."""
    confirmed, rejected = int(data.y.sum()), int(len(data.y) - data.y.sum())
    quarters = len(set(data.quarters))
    if len(data.y) < MIN_REVIEWED or confirmed < MIN_EACH or rejected < MIN_EACH or quarters < MIN_QUARTERS:
        raise ReviewError(
            f"not enough reviewed links to refit: {len(data.y)} reviewed pairs with evidence ({confirmed} confirmed, "
            f"{rejected} rejected) in {quarters} quarter(s); needed at least {MIN_REVIEWED} pairs, {MIN_EACH} of "
            f"each decision, in {MIN_QUARTERS} quarters. The shipped coefficients stay in use.")


def fit(x: np.ndarray, y: np.ndarray, names: Sequence[str], c: float = 1.0) -> dict[str, float]:
    """A logistic regression (L2, inverse strength ``c``) as ``{intercept, term: weight}``."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=1000).fit(x, y)
    weights = {"intercept": round(float(model.intercept_[0]), 3)}
    return weights | {name: round(float(w), 3) for name, w in zip(names, model.coef_[0], strict=True)}


def fit_both(x: np.ndarray, y: np.ndarray) -> dict[str, dict[str, float]]:
    """Both dbt vars: all terms, and without the component terms; the temporal terms stay at 0."""
    kept = [i for i, name in enumerate(FEATURES) if name not in COMPONENT]
    full = fit(x, y, FEATURES) | {"rise_z": 0.0, "drop_z": 0.0}
    plain = fit(x[:, kept], y, [FEATURES[i] for i in kept]) | {"rise_z": 0.0, "drop_z": 0.0}
    return {"link_confidence": full, "link_confidence_without_components": plain}


def confidence(coefficients: dict[str, dict[str, float]], x: np.ndarray, has_components: np.ndarray) -> np.ndarray:
    """The pipeline's confidence of each pair: the full set with components, the plain set without."""
    def logit(w: dict[str, float]) -> np.ndarray:
        z = np.full(len(x), w["intercept"], dtype=float)
        for i, name in enumerate(FEATURES):
            z += w.get(name, 0.0) * x[:, i]
        return z

    z = np.where(has_components, logit(coefficients["link_confidence"]),
                 logit(coefficients["link_confidence_without_components"]))
    return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=float)


def _score(quarter: str, p: np.ndarray, y: np.ndarray, threshold: float) -> QuarterScore:
    accepted = p >= threshold
    tp = int((accepted & (y == 1)).sum())
    clipped = np.clip(p, 1e-6, 1 - 1e-6)
    loss = float(-np.mean(y * np.log(clipped) + (1 - y) * np.log(1 - clipped)))
    return QuarterScore(quarter, len(y), int(y.sum()), int(accepted.sum()), tp, loss)


def calibrate(data: ReviewedPairs, threshold: float) -> Calibration:
    """Fit both sets on every reviewed pair and score them leave-one-quarter-out at ``threshold``.

    A quarter whose other quarters hold only one decision cannot be held out and is skipped.
    """
    check_enough(data)
    result = Calibration(fit_both(data.x, data.y), len(data.y), int(data.y.sum()), threshold)
    quarters = np.array(data.quarters)
    for quarter in sorted(set(data.quarters)):
        held = quarters == quarter
        if len(set(data.y[~held].tolist())) < 2:
            continue
        p = confidence(fit_both(data.x[~held], data.y[~held]), data.x[held], data.has_components[held])
        result.quarters.append(_score(quarter, p, data.y[held], threshold))
    return result


def config_path(home: Path) -> Path:
    """``$CLOSEDLOOP_HOME/config/link_confidence.json``."""
    return home / CONFIG_FILE


def write_coefficients(home: Path, result: Calibration, source: str) -> Path:
    """Write both coefficient sets (and how they were fitted) where the dbt build reads them."""
    path = config_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = dict(result.coefficients) | {"fitted_on": {
        "source": source, "pairs": result.pairs, "confirmed": result.confirmed, "threshold": result.threshold,
        "leave_one_quarter_out": result.pooled}}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)
    return path


def calibrated_vars(home: Path) -> dict[str, dict[str, float]]:
    """The refitted coefficients as dbt vars, or ``{}`` (the shipped defaults) when none were written.

    Raises:
        ReviewError: The file exists but is not valid (named, with the var that is wrong).
    """
    path = config_path(home)
    if not path.is_file():
        return {}
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReviewError(f"{path}: not readable JSON ({exc}); delete it to use the shipped coefficients") from exc
    out: dict[str, dict[str, float]] = {}
    for var in VARS:
        weights = record.get(var)
        if not isinstance(weights, dict) or not all(
                isinstance(v, int | float) and math.isfinite(v) for v in weights.values()):
            raise ReviewError(f"{path}, field {var}: expected a mapping of term to number")
        out[var] = {str(k): float(v) for k, v in weights.items()}
    return out
