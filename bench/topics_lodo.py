"""Leave-one-dataset-out check of every tuned constant of the clustering path (bench/topics_eval.py).

For each rule with a tuned constant (the silhouette tolerance, the knee ratio, the structure floor, the
outlier similarity) and each candidate value, every panel set (and its seeded thirds, for tripling) is
clustered the way ``topics.fit.fit_themes`` clusters it: the same fit sample, SVD, Ward tree, count
choice, refinement, dissolved small themes and bounded outliers, with only that constant changed.
A set's quality is (NMI + ARI) / 2 over all its texts; tripling is measured on several seeded thirds.

A constant is chosen on a group of sets by how far it leaves the acceptance bounds first (found/true
outside 0.6-1.6, x3 outside 1/1.3-1.3, outliers above 5 %; :func:`excess`, summed over the sets),
then by its **worst case** (the largest shortfall against the best candidate on any one set, in
steps of 0.005), then by its **mean rank** across the sets (a full tie keeps the production value).
The leave-one-dataset-out table holds, for each data set family left out (CLINC150, HWU64,
StackOverflow, Bitext, the tickets, the demo), the value chosen on the other families and the
left-out sets' scores with it; ``x3`` is themes(all) / themes(third) for every candidate.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
from topics_panel import farthest

RULES: dict[str, tuple[str, tuple[float, ...]]] = {
    "tolerance": ("tolerance", (0.0, 0.0075, 0.015, 0.03, 0.05)),
    "knee ratio": ("knee_ratio", (0.4, 0.5, 0.6, 0.7, 0.8)),
    "structure floor": ("peak_floor", (0.2, 0.25, 0.3)),
    "outlier similarity": ("outlier_similarity", (0.2, 0.3, 0.4, 0.5)),
}
"""Rule name -> (``ClusterConfig`` field, candidate values); the production value is among them."""


def family(name: str) -> str:
    """The data set a panel set comes from (``hwu64-3k`` -> ``hwu64``; both ticket files -> ``tickets``)."""
    return name.split("-")[0]


class Case:
    """One set clustered up to its Ward tree, as ``fit_themes`` does; counts and results are cached."""

    def __init__(self, texts: list[str], vectors: np.ndarray, languages: list[str], labels: list[str],
                 config: Any) -> None:
        from scipy.cluster.hierarchy import linkage

        from topics.cluster import SvdReducer, unit_rows
        from topics.fit import _fit_sample, _low_information

        self.config = config
        self.embeddings = np.asarray(vectors, dtype=np.float32)
        self.labels = labels
        self.low = _low_information(texts, config)
        self.fit_idx = _fit_sample(len(labels), languages, config, self.low)
        reduced = SvdReducer(config.reduce.n_components, config.seed).fit_transform(self.embeddings[self.fit_idx])
        self.V = unit_rows(reduced)
        self.tree = linkage(reduced[:, : config.cluster.ward_dims].astype(np.float64), method="ward")
        self.scores: dict[int, float] = {}
        n = len(self.fit_idx)
        self.hi = max(2, min(config.cluster.max_themes or n // 5, n - 1))
        self.lo = max(2, min(config.cluster.min_themes, self.hi))

    def count(self, cluster: Any) -> int:
        """The count the clusterer of this ``ClusterConfig`` cuts at."""
        from topics.cluster import WardSilhouetteClusterer
        from topics.fit import build_clusterer

        clusterer = build_clusterer(cluster, self.config.seed)
        if not isinstance(clusterer, WardSilhouetteClusterer):
            raise TypeError(f"the sweep replays the Ward-silhouette clusterer, not {type(clusterer).__name__}")
        clusterer.scores_ = self.scores  # same tree and vectors: share the cache
        return int(clusterer.choose_count(self.tree, self.V, self.lo, self.hi)) if self.hi > self.lo else self.lo

    def result(self, k: int, cluster: Any) -> dict[str, Any]:
        """Themes, NMI, ARI and outlier share of the cut at ``k`` with production's later steps."""
        from scipy.cluster.hierarchy import fcluster
        from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

        from topics.cluster import centroids, spherical_refine
        from topics.fit import _join_nearest

        labels = spherical_refine(self.V, fcluster(self.tree, k, criterion="maxclust"), cluster.refine_iterations)
        sizes = np.bincount(labels)
        remap = np.full(len(sizes), -1, dtype=np.int64)
        kept = np.flatnonzero(sizes >= cluster.min_theme_size)
        remap[kept] = np.arange(len(kept))
        labels = remap[labels]
        assignments = np.full(len(self.labels), -1, dtype=np.int64)
        assignments[self.fit_idx] = labels
        _join_nearest(self.embeddings, assignments, centroids(self.embeddings[self.fit_idx], labels, len(kept)),
                      cluster, ~self.low)
        assignments[self.low] = len(kept)  # the low-information bucket, as production keeps it
        nmi = float(normalized_mutual_info_score(self.labels, assignments))
        ari = float(adjusted_rand_score(self.labels, assignments))
        return {"themes": len(kept), "ratio": round(len(kept) / len(set(self.labels)), 3),
                "nmi": round(nmi, 4), "ari": round(ari, 4),
                "quality": round((nmi + ari) / 2, 4), "outlier_share": round(float(np.mean(assignments == -1)), 4)}


def sweep(case: Case, thirds: list[Case], config: Any) -> dict[str, list[dict[str, Any]]]:
    """Every rule's candidates on one set: its result and the tripling multiplier of each seeded third.

    ``x3`` is the multiplier farthest from 1 on a log scale, ``x3_each`` every third's.
    """
    out: dict[str, list[dict[str, Any]]] = {}
    for rule, (field, values) in RULES.items():
        rows = []
        for value in values:
            cluster = dataclasses.replace(config.cluster, **{field: value})
            k = case.count(cluster)
            row = {"value": value, **case.result(k, cluster)}
            each = [round(row["themes"] / max(1, t.result(t.count(cluster), cluster)["themes"]), 3) for t in thirds]
            if each:
                row["x3"] = farthest(each)
                row["x3_each"] = each
            rows.append(row)
        out[rule] = rows
    return out


def excess(row: dict[str, Any]) -> float:
    """How far one set's result lies outside the acceptance bounds, in log units, summed over the bounds.

    Bounds: found/true within 0.6-1.6, x3 within 1/1.3-1.3 (the count follows the data, not its size,
    either way; averaged over the seeded thirds, since one third's multiplier is a draw), outliers at
    most 5 % (0.01 per point above). 0 when every bound holds.
    """
    ratio = row["ratio"]
    each = row.get("x3_each") or [row.get("x3", 1.0)]
    tripled = sum(max(0.0, abs(math.log(x3)) - math.log(1.3)) for x3 in each) / len(each)
    return max(0.0, math.log(0.6 / ratio), math.log(ratio / 1.6)) + tripled + max(0.0, row["outlier_share"] - 0.05)


def choose(sweeps: dict[str, dict[str, list[dict[str, Any]]]], rule: str, sets: list[str]) -> float:
    """The candidate least outside the acceptance bounds on ``sets`` (:func:`excess`, summed, to 0.01), then
    the smallest worst-case shortfall (steps of 0.005), then the best mean rank; a full tie keeps production's.
    """
    from topics.config import ClusterConfig

    field, values = RULES[rule]
    production = getattr(ClusterConfig(), field)
    shortfall = dict.fromkeys(values, 0.0)
    ranks = dict.fromkeys(values, 0.0)
    broken = dict.fromkeys(values, 0.0)
    for name in sets:
        quality = {row["value"]: row["quality"] for row in sweeps[name][rule]}
        for row in sweeps[name][rule]:
            broken[row["value"]] += excess(row)
        best = max(quality.values())
        order = sorted(values, key=lambda v: -quality[v])
        for value in values:
            shortfall[value] = max(shortfall[value], best - quality[value])
            tied = [i for i, v in enumerate(order) if quality[v] == quality[value]]
            ranks[value] += (sum(tied) / len(tied) + 1) / len(sets)
    return min(values, key=lambda v: (round(broken[v], 2), round(shortfall[v] / 0.005), round(ranks[v], 6),
                                      v != production))


def lodo(sweeps: dict[str, dict[str, list[dict[str, Any]]]]) -> list[dict[str, Any]]:
    """For each rule and each left-out family: the value chosen on the rest and the left-out sets' scores."""
    rows = []
    families = sorted({family(n) for n in sweeps})
    for rule, (field, _) in RULES.items():
        on_all = choose(sweeps, rule, list(sweeps))
        for left_out in families:
            train = [n for n in sweeps if family(n) != left_out]
            held = [n for n in sweeps if family(n) == left_out]
            if not train:
                continue
            value = choose(sweeps, rule, train)
            for name in held:
                row = next(r for r in sweeps[name][rule] if r["value"] == value)
                best = max(sweeps[name][rule], key=lambda r: r["quality"])
                rows.append({"rule": rule, "field": field, "chosen_on_all": on_all, "left_out": name,
                             "chosen_on_rest": value, **{k: row[k] for k in row if k != "value"},
                             "best_value_here": best["value"], "best_quality_here": best["quality"]})
    return rows


def tripling(sweeps: dict[str, dict[str, list[dict[str, Any]]]]) -> list[dict[str, Any]]:
    """Per rule and candidate: the worst (farthest from 1) and mean x3 over the sets, and the worst quality."""
    rows = []
    for rule, (field, values) in RULES.items():
        for value in values:
            cells = [next(r for r in s[rule] if r["value"] == value) for s in sweeps.values()]
            x3 = [c["x3"] for c in cells if "x3" in c]
            rows.append({"rule": rule, "field": field, "value": value,
                         "excess": round(sum(excess(c) for c in cells), 3),
                         "x3_worst": farthest(x3) if x3 else None,
                         "x3_mean": round(sum(x3) / len(x3), 3) if x3 else None,
                         "quality_mean": round(sum(c["quality"] for c in cells) / len(cells), 4),
                         "quality_worst": min(c["quality"] for c in cells)})
    return rows


def markdown(lodo_rows: list[dict[str, Any]], tripling_rows: list[dict[str, Any]]) -> str:
    """The leave-one-dataset-out table and the tripling table as Markdown."""
    lines = ["| rule | left out | chosen on the rest (on all) | themes | NMI | ARI | outliers | x3 | best here |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in lodo_rows:
        lines.append(f"| {r['rule']} | {r['left_out']} | {r['chosen_on_rest']} ({r['chosen_on_all']}) | "
                     f"{r['themes']} | {r['nmi']:.3f} | {r['ari']:.3f} | {100 * r['outlier_share']:.1f} % | "
                     f"{r.get('x3', '')} | {r['best_value_here']} ({r['best_quality_here']:.3f}) |")
    lines += ["", "| rule | value | outside bounds | quality mean | quality worst | x3 mean | x3 worst |",
              "|---|---|---|---|---|---|---|"]
    for r in tripling_rows:
        lines.append(f"| {r['rule']} | {r['value']} | {r['excess']} | {r['quality_mean']:.3f} | "
                     f"{r['quality_worst']:.3f} | {r['x3_mean']} | {r['x3_worst']} |")
    return "\n".join(lines)
