"""What standard clusterers reach on the panel's vectors when told the true number of labels.

A target for theme discovery is only reachable if the vectors carry it. This bench clusters the
same cached MiniLM vectors that production uses with the true label count given, by methods a
reader would try first: KMeans with 20 restarts, Ward, average linkage on cosine, and spectral
clustering on a 15-nearest-neighbour graph, each on the unit sentence vectors and on the reduced
space production clusters in (``topics.fit.build_reducer``); and KMeans told 1.25x, 1.5x and 2x
the count. None of these is the product (it is never told the count); they bound what any method
on these vectors can be expected to reach.

Usage: python bench/topics_ceiling.py [--sets hwu64,hwu64-3k] [--cache FILE] [--out FILE]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import topics_panel
from benchlib import embedding_cache_file, write_results
from panel_data import DEFAULT_DATASETS, PANEL

HERE = Path(__file__).resolve().parent


def methods(k: int) -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    """Each method, told ``k``, as a function of a vector matrix to labels."""
    from sklearn.cluster import AgglomerativeClustering, KMeans, SpectralClustering

    return {
        "kmeans-20": lambda x: KMeans(k, n_init=20, random_state=0).fit_predict(x),
        "ward": lambda x: AgglomerativeClustering(k, linkage="ward").fit_predict(x),
        "average-cosine": lambda x: AgglomerativeClustering(k, linkage="average", metric="cosine").fit_predict(x),
        "spectral-15nn": lambda x: SpectralClustering(k, affinity="nearest_neighbors", n_neighbors=15, random_state=0,
                                                      assign_labels="cluster_qr").fit_predict(x),
    }


def ceiling(name: str, datasets: Path, cache: Path, workdir: Path) -> dict[str, Any]:
    """Scores of every method told the count, on one panel set, printed as they come."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from topics.config import config_from_env
    from topics.fit import build_reducer

    config = config_from_env()
    texts, labels = {s.name: s for s in PANEL}[name].load(datasets, workdir, 600)
    vectors, _ = topics_panel.Vectors(config, cache).texts(texts)
    unit = np.asarray(vectors, dtype=np.float64)
    unit /= np.maximum(np.linalg.norm(unit, axis=1, keepdims=True), 1e-12)
    reducer = build_reducer(config.reduce, config.seed)
    reducer.fit(unit)  # as BERTopic drives it in production: fit, then transform the same vectors
    spaces = {"sentence": unit, "reduced": reducer.transform(unit)}
    k = len(set(labels))
    out: dict[str, Any] = {"texts": len(texts), "labels": k}

    def score(method: str, found: np.ndarray) -> None:
        out[method] = {"themes": len(set(found.tolist())),
                       "nmi": round(float(normalized_mutual_info_score(labels, found)), 4),
                       "ari": round(float(adjusted_rand_score(labels, found)), 4)}
        print(f"{name:18s} {method:30s} {out[method]['themes']:6d} {out[method]['nmi']:7.3f} {out[method]['ari']:7.3f}",
              flush=True)

    for space, matrix in spaces.items():
        for method, run in methods(k).items():
            score(f"{method} ({space})", run(matrix))
    for times in (1.25, 1.5, 2.0):
        score(f"kmeans-20 x{times} (sentence)", KMeans(int(k * times), n_init=20, random_state=0).fit_predict(unit))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--datasets", default=str(DEFAULT_DATASETS))
    parser.add_argument("--cache", default=os.environ.get("CLOSEDLOOP_PANEL_CACHE", str(embedding_cache_file())))
    parser.add_argument("--workdir", default="/tmp/closedloop-panel", help="scratch folder (generated demo data)")
    parser.add_argument("--sets", default="hwu64,hwu64-3k")
    parser.add_argument("--out", default=str(HERE / "results" / "topics_ceiling.json"))
    args = parser.parse_args()
    print(f"{'set':18s} {'method (space), told the count':30s} {'themes':>6s} {'NMI':>7s} {'ARI':>7s}")
    results = {name: ceiling(name, Path(args.datasets), Path(args.cache), Path(args.workdir))
               for name in args.sets.split(",")}
    write_results(args.out, {"sets": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
