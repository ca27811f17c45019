"""Benchmark: the word view's two constants (``ClusterConfig.lexical_ratio`` and ``lexical_weight``) on the panel.

For every set (the shared panel, plus the STC2 sets of ``bench/panel_data.py`` when
``CLOSEDLOOP_STC2_DATASETS`` points at them) and for a seeded third of it, on the panel's cached
vectors: the first fit's word ratio (how well the texts' words separate its themes compared with the
sentence vectors), the fit without the word view, and the fit with it at each weight. A setting
(ratio threshold, weight) gives, per set, the word-view fit when the set's ratio reaches the
threshold and the plain fit otherwise. Quality is (NMI + ARI) / 2; a setting is chosen by its worst
shortfall against the best setting on each set, then by its mean shortfall, then the most cautious
(higher threshold, lower weight). Leave-one-family-out: chosen on the other families, reported on the
one left out (its sets and samples together). Prints the tables and writes
bench/results/topics_lexical.json.

Usage: CLOSEDLOOP_TOPIC_THREADS=1 python bench/topics_lexical.py [--sets a,b] [--cache FILE] [--out FILE]
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np
import topics_panel
from benchlib import embedding_cache_file, write_results
from panel_data import DEFAULT_DATASETS, EXTRA, PANEL, STC2_DATASETS, PanelSet

HERE = Path(__file__).resolve().parent
THRESHOLDS = (0.8, 0.9, 1.0, 1.1, 1.2, math.inf)
WEIGHTS = (0.3, 0.5, 0.7)
DEFAULT_SETS = ("clinc150-test", "clinc150-train", "bitext", "hwu64", "hwu64-3k", "stackoverflow", "stackoverflow-5k",
                "tickets-5lang", "tickets-en-de", "demo-1500", "demo-20000", "biomedical", "biomedical-5k",
                "searchsnippets", "searchsnippets-5k")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--datasets", default=str(DEFAULT_DATASETS))
    parser.add_argument("--cache", default=os.environ.get("CLOSEDLOOP_PANEL_CACHE", str(embedding_cache_file())))
    parser.add_argument("--workdir", default="/tmp/closedloop-panel", help="scratch folder (generated demo data)")
    parser.add_argument("--sets", default=",".join(DEFAULT_SETS))
    parser.add_argument("--out", default=str(HERE / "results" / "topics_lexical.json"))
    return parser.parse_args()


def family(name: str) -> str:
    """A set's family: its samples and splits go in and out of a fold together."""
    return name.split("-")[0]


def _fits(texts: list[str], vectors: np.ndarray, languages: list[str], labels: list[str], config: Any
          ) -> dict[str, Any]:
    """The word ratio, and the scores of the plain fit and of the word-view fit at each weight."""
    from topics.fit import fit_themes

    def fit(ratio: float, weight: float) -> Any:
        cluster = dataclasses.replace(config.cluster, lexical_ratio=ratio, lexical_weight=weight)
        return fit_themes(texts, vectors, config.replace(cluster=cluster), languages=languages)

    plain = fit(math.inf, WEIGHTS[0])  # measures the ratio, never uses the view
    out: dict[str, Any] = {"ratio": round(plain.word_ratio, 3), "plain": _score(labels, plain)}
    for weight in WEIGHTS:
        out[str(weight)] = _score(labels, fit(0.0, weight))
    return out


def _score(labels: list[str], result: Any) -> dict[str, Any]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    found = np.asarray(result.assignments)
    nmi, ari = normalized_mutual_info_score(labels, found), adjusted_rand_score(labels, found)
    return {"themes": result.n_themes, "nmi": round(float(nmi), 4), "ari": round(float(ari), 4),
            "quality": round(float(nmi + ari) / 2, 4), "fit_seconds": round(result.fit_seconds, 2)}


def outcome(entry: dict[str, Any], threshold: float, weight: float) -> dict[str, Any]:
    """The fit a setting gives on one set: the word view's when the set's ratio reaches the threshold."""
    return entry[str(weight)] if entry["ratio"] >= threshold else entry["plain"]


def choose(entries: dict[str, dict[str, Any]]) -> tuple[float, float]:
    """The setting with the smallest worst shortfall over ``entries``, then mean shortfall, then the most cautious."""
    settings = [(t, w) for t in THRESHOLDS for w in WEIGHTS]
    best = {name: max(outcome(e, t, w)["quality"] for t, w in settings) for name, e in entries.items()}

    def key(setting: tuple[float, float]) -> tuple[float, float, float, float]:
        short = [best[n] - outcome(e, *setting)["quality"] for n, e in entries.items()]
        return round(max(short), 3), round(float(np.mean(short)), 4), -setting[0], setting[1]

    return min(settings, key=key)


def lodo(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Leave one family out: the setting chosen on the rest and what it gives on each left-out set."""
    rows = []
    for left in sorted({family(n) for n in results}):
        rest = {n: e["all"] for n, e in results.items() if family(n) != left}
        threshold, weight = choose(rest)
        for name, entry in results.items():
            if family(name) == left:
                got = outcome(entry["all"], threshold, weight)
                rows.append({"left_out": name, "threshold": threshold, "weight": weight, "ratio": entry["all"]["ratio"],
                             "used": entry["all"]["ratio"] >= threshold, **got,
                             "plain_quality": entry["all"]["plain"]["quality"]})
    return rows


def print_tables(results: dict[str, dict[str, Any]], chosen: tuple[float, float], rows: list[dict[str, Any]]) -> None:
    """Per set: ratio, plain and word-view fits, tripling; then the leave-one-family-out table."""
    threshold, weight = chosen
    print(f"chosen on all sets: threshold {threshold}, weight {weight}")
    print("| set | word ratio (third) | plain: themes, NMI / ARI | weights 0.3 / 0.5 / 0.7: NMI / ARI | chosen | x3 |")
    print("|---|---|---|---|---|---|")
    for name, entry in results.items():
        full, third = entry["all"], entry["third"]
        plain = full["plain"]
        views = "; ".join(f"{full[str(w)]['themes']}, {full[str(w)]['nmi']:.3f} / {full[str(w)]['ari']:.3f}"
                          for w in WEIGHTS)
        got, got_third = outcome(full, threshold, weight), outcome(third, threshold, weight)
        print(f"| {name} | {full['ratio']:.2f} ({third['ratio']:.2f}) | {plain['themes']}, {plain['nmi']:.3f} / "
              f"{plain['ari']:.3f} | {views} | {got['themes']}, {got['nmi']:.3f} / {got['ari']:.3f} | "
              f"{got['themes'] / max(1, got_third['themes']):.2f} ({got_third['themes']}→{got['themes']}) |")
    print()
    print("| left out | chosen on the rest (threshold, weight) | ratio | word view used | themes | NMI | ARI | "
          "quality (plain) |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['left_out']} | {row['threshold']}, {row['weight']} | {row['ratio']:.2f} | "
              f"{'yes' if row['used'] else 'no'} | {row['themes']} | {row['nmi']:.3f} | {row['ari']:.3f} | "
              f"{row['quality']:.3f} ({row['plain_quality']:.3f}) |")


def main() -> int:
    args = _arguments()
    from topics.config import config_from_env

    config = config_from_env()
    known: dict[str, PanelSet] = {s.name: s for s in (*PANEL, *EXTRA)}
    names = [n for n in args.sets.split(",") if n in known and (STC2_DATASETS or known[n] not in EXTRA)]
    skipped = sorted(set(args.sets.split(",")) - set(names))
    if skipped:
        print(f"skipped {skipped} (unknown, or CLOSEDLOOP_STC2_DATASETS unset)", file=sys.stderr)
    vectors = topics_panel.Vectors(config, Path(args.cache))
    results: dict[str, dict[str, Any]] = {}
    for name in names:
        print(f"{name}: fitting ...", file=sys.stderr, flush=True)
        texts, labels = known[name].load(Path(args.datasets), Path(args.workdir), config.text.max_body_chars)
        matrix, languages = vectors.texts(texts)
        t_texts, t_vectors, t_langs = topics_panel.third(texts, matrix, languages, config.seed)
        t_labels = _third_labels(labels, config.seed)
        results[name] = {"all": _fits(texts, matrix, languages, labels, config),
                         "third": _fits(t_texts, t_vectors, t_langs, t_labels, config)}
    chosen = choose({n: e["all"] for n, e in results.items()})
    rows = lodo(results)
    print_tables(results, chosen, rows)
    write_results(args.out, {"thresholds": [str(t) for t in THRESHOLDS], "weights": list(WEIGHTS),
                             "chosen": {"threshold": chosen[0], "weight": chosen[1]}, "results": results,
                             "leave_one_family_out": rows}, threads=config.threads)
    return 0


def _third_labels(labels: list[str], seed: int) -> list[str]:
    """The labels of ``topics_panel.third``'s sample (same seeded indices)."""
    t_labels, _, _ = topics_panel.third(labels, np.zeros((len(labels), 1)), labels, seed)
    return t_labels


if __name__ == "__main__":
    sys.exit(main())
