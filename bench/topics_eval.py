"""Benchmark: theme discovery on the whole panel, so defaults are never chosen on one data set.

Runs, on every panel set (bench/panel_data.py: CLINC150 test and train, Bitext, HWU64 all and a 3,000
sample, StackOverflow all and a 5,000 sample, the multilingual tickets, the demo at 1,500, 20,000 and 100,000
tickets) and on the same cached vectors: production (``fit_themes`` with the shipped defaults, never
told the number of labels), a default ``BERTopic()`` and KMeans told the true count
(bench/topics_panel.py); each on seeded thirds as well (tripling: ``--thirds``, 3 by default); then the
leave-one-dataset-out check of every tuned constant of the clustering path (bench/topics_lodo.py). Prints the tables and
writes bench/results/topics_eval.json.

Panel targets: CLINC150 test >= 0.92 / 0.75 NMI / ARI, train >= 0.91 / 0.72, HWU64 >= 0.81 / 0.60,
StackOverflow >= 0.72 / 0.60; outliers <= 5 % and themes found / true labels within 0.6-1.6 on every
set; tripling multiplies the theme count by at most 1.3; fitting under 10 s per 5,000 texts.

Usage: CLOSEDLOOP_TOPIC_THREADS=1 python bench/topics_eval.py [--sets clinc150-test,hwu64-3k,...] [--quick]
           [--skip-bertopic] [--skip-tripling] [--thirds N] [--skip-lodo] [--datasets DIR] [--cache FILE] [--out FILE]
           [--markdown] [--from-json FILE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import topics_lodo
import topics_panel
from benchlib import embedding_cache_file, write_results
from panel_data import DEFAULT_DATASETS, PANEL, PanelSet

HERE = Path(__file__).resolve().parent


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--datasets", default=str(DEFAULT_DATASETS))
    parser.add_argument("--cache", default=os.environ.get("CLOSEDLOOP_PANEL_CACHE", str(embedding_cache_file())),
                        help="DuckDB embedding cache (keep it outside the repository)")
    parser.add_argument("--workdir", default="/tmp/closedloop-panel", help="scratch folder (generated demo data)")
    parser.add_argument("--out", default=str(HERE / "results" / "topics_eval.json"))
    parser.add_argument("--sets", help="comma-separated set names: " + ",".join(s.name for s in PANEL))
    parser.add_argument("--quick", action="store_true", help="only the small sets and samples")
    parser.add_argument("--skip-bertopic", action="store_true")
    parser.add_argument("--skip-tripling", action="store_true")
    parser.add_argument("--thirds", type=int, default=topics_panel.THIRDS,
                        help="seeded one-third samples per set for the tripling multiplier")
    parser.add_argument("--skip-lodo", action="store_true", help="no leave-one-dataset-out sweep")
    parser.add_argument("--markdown", action="store_true", help="also print the tables as Markdown")
    parser.add_argument("--from-json", nargs="+", metavar="FILE",
                        help="print the tables of earlier results files (merged) instead of running")
    return parser.parse_args()


def print_all(results: dict[str, dict[str, Any]], sweeps: dict[str, Any], as_markdown: bool) -> None:
    """The panel table, its mean and worst case, and (when swept) the LODO and tripling tables."""
    stats = topics_panel.summary(results)
    topics_panel.print_table(results, stats)
    if as_markdown:
        print(topics_panel.markdown(results, stats))
    if sweeps:
        print()
        print(topics_lodo.markdown(topics_lodo.lodo(sweeps), topics_lodo.tripling(sweeps)))


def _from_json(paths: list[str]) -> int:
    """Print the tables of earlier results files, merged: a later file's methods replace an earlier one's."""
    results: dict[str, dict[str, Any]] = {}
    sweeps: dict[str, Any] = {}
    for path in paths:
        payload = json.loads(Path(path).read_text())
        for name, entry in payload["results"].items():
            merged = results.setdefault(name, {})
            tripling = {**merged.get("tripling", {}), **entry.get("tripling", {})}
            merged.update(entry)
            if tripling:
                merged["tripling"] = tripling
        sweeps.update(payload.get("sweeps", {}))
    for name, rules in sweeps.items():  # results files written before the ratio was stored per candidate
        for rows in rules.values():
            for row in rows:
                row.setdefault("ratio", round(row["themes"] / results[name]["labels"], 3))
    print_all(results, sweeps, as_markdown=True)
    return 0


def _warm_umap() -> None:
    """Numba compiles UMAP once per process (~40 s): not part of any fit time."""
    warm = time.perf_counter()
    from umap import UMAP

    for n in (300, 4200):  # above 4,096 points UMAP switches to NN-descent, which compiles separately
        UMAP(n_neighbors=15, n_components=5, metric="cosine", random_state=0).fit(
            np.random.default_rng(0).normal(size=(n, 16)))
    print(f"UMAP compiled in {time.perf_counter() - warm:.0f} s", file=sys.stderr)


def _chosen(args: argparse.Namespace) -> list[PanelSet] | None:
    known = {s.name: s for s in PANEL}
    if not args.sets:
        return [s for s in PANEL if s.quick or not args.quick]
    unknown = [n for n in args.sets.split(",") if n not in known]
    if unknown:
        print(f"unknown sets {unknown}; known: {sorted(known)}", file=sys.stderr)
        return None
    return [known[n] for n in args.sets.split(",")]


def _sweeper(name: str, config: Any, sweeps: dict[str, Any], thirds: int) -> Any:
    """The callback that runs the leave-one-dataset-out sweep on one set's vectors (and ``thirds`` thirds)."""
    def sweep(texts: list[str], vectors: np.ndarray, languages: list[str], labels: list[str]) -> None:
        print(f"{name}: sweeping the tuned constants ...", file=sys.stderr, flush=True)
        case = topics_lodo.Case(texts, vectors, languages, labels, config)
        cases = []
        for seed in topics_panel.third_seeds(config.seed, thirds):
            t_texts, t_vectors, t_langs = topics_panel.third(texts, vectors, languages, seed)
            t_labels = topics_panel.third(labels, vectors, languages, seed)[0]
            cases.append(topics_lodo.Case(t_texts, t_vectors, t_langs, t_labels, config))
        sweeps[name] = topics_lodo.sweep(case, cases, config)
    return sweep


def main() -> int:
    args = _arguments()
    if args.from_json:
        return _from_json(args.from_json)

    import topics
    from topics.config import config_from_env

    print(f"topics from {topics.__file__}", file=sys.stderr)
    datasets = Path(args.datasets)
    if not (datasets / "clinc150" / "clinc150_full.csv").exists():
        print(f"no data sets in {datasets}", file=sys.stderr)
        return 1
    chosen = _chosen(args)
    if chosen is None:
        return 2
    config = config_from_env()
    vectors = topics_panel.Vectors(config, Path(args.cache))
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, Any]] = {}
    sweeps: dict[str, Any] = {}
    started = time.perf_counter()
    if not args.skip_bertopic:
        _warm_umap()
    for spec in chosen:
        thirds = 0 if args.skip_tripling else args.thirds
        also = None if args.skip_lodo else _sweeper(spec.name, config, sweeps, thirds)
        results[spec.name] = topics_panel.run_set(spec, datasets, workdir, config, vectors, not args.skip_bertopic,
                                                  thirds > 0, also, thirds=max(1, thirds))
        # written after every set, so a long run that is stopped keeps what it measured
        write_results(args.out, {"defaults": repr(config), "seconds": round(time.perf_counter() - started, 1),
                                 "embedded": vectors.embedded, "summary": topics_panel.summary(results),
                                 "results": results, "sweeps": sweeps,
                                 "lodo": topics_lodo.lodo(sweeps) if sweeps else [],
                                 "tripling": topics_lodo.tripling(sweeps) if sweeps else []},
                      threads=config.threads)
    print_all(results, sweeps, args.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
