"""A two-level taxonomy: fine themes gathered under a few top-level theme groups.

Product managers read 10-30 top-level themes and open one to see its sub-themes. The groups are
formed by agglomerating the fine themes' centroids with Ward's criterion weighted by theme size
(merging two groups costs ``w_a * w_b / (w_a + w_b) * |c_a - c_b|^2``, so large themes resist
being swallowed and small ones join their nearest large neighbour), then cutting the tree:

- with more fine themes than ``TaxonomyConfig.flat_below``, at the group count in
  ``[min(min_groups, ceil(n/2)), min(max_groups, n - 1)]`` with the best size-weighted cosine
  silhouette of the theme centroids (ties to fewer groups);
- with few fine themes (a list already short enough to read), only close siblings merge: the
  two groups whose size-weighted mean directions are most similar, while that cosine is at least
  ``merge_similarity``; a small taxonomy maps mostly one to one.

Themes excluded by the caller (the low-information bucket, ignored themes) get no group. Each
theme has at most one group by construction: groups partition the included themes.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from topics.records import Theme


@dataclass(frozen=True)
class TaxonomyConfig:
    """How fine themes are gathered into groups.

    Attributes:
        min_groups: Fewest groups the cut may choose when there are many fine themes.
        max_groups: Most groups the cut may choose (a PM's top-level list).
        flat_below: Up to this many fine themes, only close siblings merge (mostly one to one); the
            demo's 12-14 themes stay readable as they are.
        merge_similarity: With few fine themes, two groups merge only when their centroids' cosine is
            at least this (1,500-ticket demo: "misdirected deposit" joins "deposit not credited" at
            0.77; the next closest pairs are 0.59-0.61 apart).
        match_threshold: A new group keeps an old group's id when their similarity (member overlap and
            centroid cosine, see :func:`topics.stable.match_groups`) is at least this.
        overlap_weight: Weight of member overlap (size-weighted Jaccard of fine theme ids) in that
            similarity; the rest is centroid cosine.
    """

    min_groups: int = 10
    max_groups: int = 30
    flat_below: int = 15
    merge_similarity: float = 0.7
    match_threshold: float = 0.5
    overlap_weight: float = 0.7


@dataclass(frozen=True, eq=False)
class ThemeGroup:
    """A top-level theme: a set of fine themes.

    Attributes:
        group_id: Stable id (after :func:`topics.stable.match_groups`) or the build's own id.
        label: Name shown to a PM (:func:`name_group`).
        size: Documents of its member themes.
        centroid: Unit size-weighted mean of the member centroids.
        member_ids: Fine theme ids, largest member first.
    """

    group_id: int
    label: str
    size: int
    centroid: np.ndarray
    member_ids: tuple[int, ...]


def name_group(members: Sequence[Theme]) -> str:
    """A group's name from its member themes: the name of its largest member.

    Kept as the one place group names are made, so a phrase namer over the members' texts can
    replace it without touching the grouping.

    Args:
        members: The group's fine themes (any order).
    """
    if not members:
        return ""
    largest = max(members, key=lambda t: (t.size, -t.theme_id))
    return largest.name


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v


def ward_merges(centroids: np.ndarray, weights: np.ndarray) -> list[tuple[int, int, float]]:
    """Greedy size-weighted Ward agglomeration of centroids.

    Args:
        centroids: ``(n, d)`` unit theme centroids.
        weights: ``(n,)`` positive weights (theme sizes).

    Returns:
        ``n - 1`` merges ``(kept, absorbed, cosine)``: cluster ``absorbed`` joins ``kept`` (indices of
        the original rows, each cluster named by its lowest row), and the cosine between the two
        clusters' weighted mean directions when they merged.
    """
    n = len(centroids)
    means = centroids.astype(np.float64).copy()
    w = np.maximum(weights.astype(np.float64), 1.0)
    alive = np.ones(n, dtype=bool)
    cost = np.full((n, n), np.inf)
    for i in range(n):
        cost[i, i + 1:] = _ward_cost(means[i], w[i], means[i + 1:], w[i + 1:])
    merges: list[tuple[int, int, float]] = []
    for _ in range(n - 1):
        flat = int(np.argmin(cost))
        i, j = divmod(flat, n)
        i, j = min(i, j), max(i, j)
        cosine = float(_unit(means[i]) @ _unit(means[j]))
        merges.append((i, j, cosine))
        means[i] = (w[i] * means[i] + w[j] * means[j]) / (w[i] + w[j])
        w[i] += w[j]
        alive[j] = False
        cost[j, :] = np.inf
        cost[:, j] = np.inf
        others = np.flatnonzero(alive)
        others = others[others != i]
        row = _ward_cost(means[i], w[i], means[others], w[others])
        cost[np.minimum(i, others), np.maximum(i, others)] = row
    return merges


def _ward_cost(mean: np.ndarray, weight: float, means: np.ndarray, weights: np.ndarray) -> np.ndarray:
    diff = means - mean
    return np.asarray(weight * weights / (weight + weights) * np.einsum("ij,ij->i", diff, diff))


def similarity_merges(centroids: np.ndarray, weights: np.ndarray, floor: float) -> list[tuple[int, int, float]]:
    """Greedy merges of the two most similar groups (cosine of size-weighted mean directions) while at least ``floor``.

    Returns:
        Merges ``(kept, absorbed, cosine)`` in the form of :func:`ward_merges` (possibly fewer than ``n - 1``).
    """
    n = len(centroids)
    sums = centroids.astype(np.float64) * np.maximum(weights, 1.0)[:, None]
    alive = np.ones(n, dtype=bool)
    merges: list[tuple[int, int, float]] = []
    while alive.sum() > 1:
        rows = np.flatnonzero(alive)
        units = np.stack([_unit(sums[r]) for r in rows])
        sims = units @ units.T
        np.fill_diagonal(sims, -np.inf)
        a, b = divmod(int(np.argmax(sims)), len(rows))
        if sims[a, b] < floor:
            break
        i, j = min(rows[a], rows[b]), max(rows[a], rows[b])
        merges.append((int(i), int(j), float(sims[a, b])))
        sums[i] += sums[j]
        alive[j] = False
    return merges


def cut(merges: Sequence[tuple[int, int, float]], n: int, groups: int) -> np.ndarray:
    """Group label (0..groups-1, by first member) of each of ``n`` rows after the first ``n - groups`` merges."""
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for kept, absorbed, _ in merges[: max(0, n - groups)]:
        parent[root(absorbed)] = root(kept)
    roots = [root(x) for x in range(n)]
    order = {r: k for k, r in enumerate(dict.fromkeys(roots))}
    return np.array([order[r] for r in roots], dtype=np.int64)


def weighted_silhouette(centroids: np.ndarray, weights: np.ndarray, labels: np.ndarray) -> float:
    """Size-weighted mean cosine silhouette of the themes under a grouping (0 for one group or all singletons)."""
    groups = np.unique(labels)
    if len(groups) < 2 or len(groups) == len(labels):
        return 0.0
    distance = 1.0 - np.clip(centroids @ centroids.T, -1.0, 1.0)
    member = labels[:, None] == groups[None, :]
    mass = (weights[:, None] * member).sum(axis=0)
    sums = distance @ (weights[:, None] * member)
    own = np.searchsorted(groups, labels)
    idx = np.arange(len(labels))
    own_mass = mass[own] - weights
    a = np.where(own_mass > 0, sums[idx, own] / np.maximum(own_mass, 1e-12), 0.0)
    other = sums / np.maximum(mass, 1e-12)
    other[idx, own] = np.inf
    b = other.min(axis=1)
    s = np.where(own_mass > 0, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return float(np.average(s, weights=weights))


def choose_group_count(centroids: np.ndarray, weights: np.ndarray, merges: Sequence[tuple[int, int, float]],
                       config: TaxonomyConfig) -> int:
    """How many groups to cut a Ward tree of many themes into: the best weighted silhouette in the PM range."""
    n = len(centroids)
    low = min(config.min_groups, math.ceil(n / 2))
    high = max(low, min(config.max_groups, n - 1))
    scores = {k: weighted_silhouette(centroids, weights, cut(merges, n, k)) for k in range(low, high + 1)}
    best = max(scores.values())
    return min(k for k, s in scores.items() if s >= best - 1e-9)


def build_groups(themes: Sequence[Theme], exclude: Collection[int] = (),
                 config: TaxonomyConfig | None = None) -> tuple[ThemeGroup, ...]:
    """Gather fine themes into top-level groups (ids 0..k-1, largest group first).

    Args:
        themes: The fine themes (with centroids and sizes).
        exclude: Theme ids that get no group (the low-information bucket, ignored themes).
        config: Group counts and thresholds.

    Returns:
        The groups; every included theme is in exactly one.
    """
    config = config or TaxonomyConfig()
    included = [t for t in themes if t.theme_id not in set(exclude) and t.centroid is not None]
    if not included:
        return ()
    centroids = np.stack([_unit(np.asarray(t.centroid, dtype=np.float64)) for t in included])
    weights = np.array([max(t.size, 1) for t in included], dtype=np.float64)
    n = len(included)
    if n <= config.flat_below:
        merges = similarity_merges(centroids, weights, config.merge_similarity)
        labels = cut(merges, n, n - len(merges))
    else:
        merges = ward_merges(centroids, weights)
        labels = cut(merges, n, choose_group_count(centroids, weights, merges, config))
    groups = []
    for label in np.unique(labels):
        rows = np.flatnonzero(labels == label)
        members = sorted((included[r] for r in rows), key=lambda t: (-t.size, t.theme_id))
        centroid = _unit((weights[rows, None] * centroids[rows]).sum(axis=0)).astype(np.float32)
        groups.append(ThemeGroup(group_id=0, label=name_group(members), size=int(sum(t.size for t in members)),
                                 centroid=centroid, member_ids=tuple(t.theme_id for t in members)))
    groups.sort(key=lambda g: (-g.size, g.member_ids[0]))
    return tuple(ThemeGroup(k, g.label, g.size, g.centroid, g.member_ids) for k, g in enumerate(groups))


def parent_of(groups: Sequence[ThemeGroup]) -> dict[int, int]:
    """Fine theme id to its group id."""
    return {member: g.group_id for g in groups for member in g.member_ids}
