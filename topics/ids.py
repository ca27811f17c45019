"""Stable theme ids across refits: match new themes to old ones and record the lineage.

Similarity between an old and a new theme is a blend of centroid cosine and keyword overlap
(Jaccard of the top keywords). The one-to-one matching maximises total similarity (Hungarian
algorithm); matched pairs above the threshold keep the old id. Every other new theme gets a fresh
id; it is recorded as a ``split`` of the old theme it resembles most when that resemblance passes
the lineage threshold, else as ``new``. Old themes left without a partner are ``merged`` into the
new theme they resemble most, or ``retired``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

#: (kind, from old id or None, to new id or None, similarity)
LineageEvent = tuple[str, int | None, int | None, float]


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1, norms)


def theme_similarity(old_centroids: np.ndarray, old_keywords: Sequence[Sequence[str]], new_centroids: np.ndarray,
                     new_keywords: Sequence[Sequence[str]], centroid_weight: float = 0.7) -> np.ndarray:
    """Old-by-new similarity: centroid_weight * cosine + (1 - centroid_weight) * keyword Jaccard."""
    if len(old_centroids) == 0 or len(new_centroids) == 0:
        return np.zeros((len(old_centroids), len(new_centroids)))
    cosine = _unit(np.asarray(old_centroids, dtype=np.float64)) @ _unit(np.asarray(new_centroids, dtype=np.float64)).T
    jaccard = np.zeros_like(cosine)
    new_sets = [set(k) for k in new_keywords]
    for i, words in enumerate(old_keywords):
        old_set = set(words)
        for j, new_set in enumerate(new_sets):
            union = old_set | new_set
            jaccard[i, j] = len(old_set & new_set) / len(union) if union else 0.0
    return centroid_weight * cosine + (1 - centroid_weight) * jaccard


def match_theme_ids(old_ids: Sequence[int], old_centroids: np.ndarray, old_keywords: Sequence[Sequence[str]],
                    new_centroids: np.ndarray, new_keywords: Sequence[Sequence[str]], threshold: float = 0.5,
                    lineage_threshold: float = 0.35,
                    centroid_weight: float = 0.7) -> tuple[list[int], list[LineageEvent]]:
    """Give each new theme an id: an old theme's when they match, else a fresh one.

    Args:
        old_ids: Ids of the existing themes.
        old_centroids: Their centroids (rows).
        old_keywords: Their top keywords.
        new_centroids: Centroids of the refit's themes.
        new_keywords: Their top keywords.
        threshold: Minimum similarity for a new theme to keep an old id.
        lineage_threshold: Minimum similarity to record a split or merge rather than new / retired.
        centroid_weight: Weight of centroid cosine against keyword overlap.

    Returns:
        The id of each new theme (in order) and the lineage events.
    """
    sim = theme_similarity(old_centroids, old_keywords, new_centroids, new_keywords, centroid_weight)
    n_old, n_new = sim.shape if sim.size else (len(old_ids), len(new_centroids))
    mapping = [-1] * n_new
    events: list[LineageEvent] = []
    matched_old: set[int] = set()
    if sim.size:
        rows, cols = linear_sum_assignment(-sim)
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            if sim[i, j] >= threshold:
                mapping[j] = int(old_ids[i])
                matched_old.add(i)
                events.append(("kept", int(old_ids[i]), int(old_ids[i]), float(sim[i, j])))
    next_id = max([int(x) for x in old_ids], default=-1) + 1
    for j in range(n_new):
        if mapping[j] >= 0:
            continue
        mapping[j] = next_id
        next_id += 1
        if n_old and sim[:, j].max() >= lineage_threshold:
            i = int(np.argmax(sim[:, j]))
            events.append(("split", int(old_ids[i]), mapping[j], float(sim[i, j])))
        else:
            events.append(("new", None, mapping[j], 0.0))
    for i in range(n_old):
        if i in matched_old:
            continue
        if n_new and sim[i].max() >= lineage_threshold:
            j = int(np.argmax(sim[i]))
            events.append(("merged", int(old_ids[i]), mapping[j], float(sim[i, j])))
        else:
            events.append(("retired", int(old_ids[i]), None, 0.0))
    return mapping, events
