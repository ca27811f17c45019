"""Reducer and clusterer that BERTopic is given in place of its UMAP and HDBSCAN defaults.

Chosen by measurement (``bench/topics_eval.py``; numbers in ``topics/README.md``):

* :class:`SvdReducer` projects unit embeddings on their top singular directions without centring, so
  cosine similarity survives the projection; it takes 0.1-1 s where UMAP takes 5 s plus 30-40 s of
  numba compilation per process, and clusters as well as UMAP here.
* :class:`WardSilhouetteClusterer` builds one Ward tree, cuts it at many theme counts, refines each
  cut with a few spherical k-means steps, and keeps the *fewest* themes whose silhouette is within a
  small tolerance of its first peak (where the curve bends, before templated text rises again). The
  number of themes thus follows the data (150 intents: 133-192 themes whether 4,500 or 15,000
  texts), where a fixed distance threshold or minimum cluster size over-splits larger data. When the
  silhouette never reaches the structure floor it says so (``weak_structure_``) and never falls back
  to the finest count of a still-rising curve: it takes the knee of that curve instead.
* :func:`bounded_outliers` keeps the texts left without a theme to a bounded share.
"""

from __future__ import annotations

import logging
import math
from typing import Any, Protocol, Self, runtime_checkable

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage

log = logging.getLogger(__name__)


@runtime_checkable
class Reducer(Protocol):
    """Dimensionality reduction with the scikit-learn fit/transform interface."""

    def fit(self, X: np.ndarray, y: Any = None) -> Any:
        """Learn the projection."""
        ...

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Project vectors."""
        ...


@runtime_checkable
class Clusterer(Protocol):
    """Clustering with the scikit-learn fit interface; ``labels_`` holds -1 for outliers."""

    labels_: np.ndarray

    def fit(self, X: np.ndarray, y: Any = None) -> Any:
        """Cluster the rows of X."""
        ...


def unit_rows(X: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    X = np.asarray(X, dtype=np.float32)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return X / np.where(norms == 0, 1.0, norms)


def centroids(X: np.ndarray, labels: np.ndarray, n_clusters: int) -> np.ndarray:
    """Unit-length mean of the unit rows of each cluster ``0..n_clusters-1`` (labels -1 ignored)."""
    keep = labels >= 0
    rows = labels[keep]
    member = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, np.flatnonzero(keep))),
                           shape=(n_clusters, len(labels)))
    return unit_rows(np.asarray(member @ unit_rows(X)))


class SvdReducer:
    """Projection of unit vectors on their top singular directions (no centring, cosine-preserving).

    Args:
        n_components: Dimensions kept (fewer when the data has fewer rows or columns).
        seed: Seed of the randomized SVD.
    """

    def __init__(self, n_components: int = 192, seed: int = 42) -> None:
        self.n_components = n_components
        self.seed = seed
        self.components_: np.ndarray | None = None

    def fit(self, X: np.ndarray, y: Any = None) -> Self:
        """Learn the top singular directions of the unit rows of X."""
        from sklearn.decomposition import TruncatedSVD

        X = unit_rows(X)
        n_components = max(1, min(self.n_components, X.shape[0] - 1, X.shape[1] - 1))
        svd = TruncatedSVD(n_components=n_components, random_state=self.seed).fit(X)
        self.components_ = svd.components_.astype(np.float32)
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Coordinates of the unit rows of X on the learnt directions."""
        if self.components_ is None:
            raise RuntimeError("SvdReducer.transform called before fit")
        return np.asarray(unit_rows(X) @ self.components_.T)

    def fit_transform(self, X: np.ndarray, y: Any = None) -> np.ndarray:
        """Fit, then transform X."""
        return self.fit(X).transform(X)


def cosine_silhouette(V: np.ndarray, labels: np.ndarray) -> float:
    """Exact mean silhouette under cosine distance for unit rows, in O(n * k * dim) instead of O(n^2).

    With unit rows, the mean distance from row i to a cluster is ``1 - v_i . sum(cluster) / size``,
    so all pairwise distances never need to be formed and every row can be scored.
    """
    _, labels = np.unique(labels, return_inverse=True)
    k = int(labels.max()) + 1
    if k < 2 or k >= len(V):
        return -1.0
    member = sp.csr_matrix((np.ones(len(labels), np.float32), (labels, np.arange(len(labels)))),
                           shape=(k, len(labels)))
    sums = np.asarray(member @ V)
    sizes = np.bincount(labels, minlength=k).astype(np.float64)
    dots = (V @ sums.T).astype(np.float64)
    rows = np.arange(len(V))
    own_size = sizes[labels]
    self_dot = np.einsum("ij,ij->i", V, V).astype(np.float64)
    a = 1.0 - (dots[rows, labels] - self_dot) / np.maximum(own_size - 1.0, 1.0)
    mean_other = 1.0 - dots / sizes
    mean_other[rows, labels] = np.inf
    b = mean_other.min(axis=1)
    s = (b - a) / np.maximum(np.maximum(a, b), 1e-12)
    s[own_size <= 1] = 0.0
    return float(s.mean())


def bounded_outliers(similarity: np.ndarray, min_similarity: float, max_outliers: int) -> np.ndarray:
    """Which texts stay without a theme: those below ``min_similarity``, at most ``max_outliers`` of them.

    When more texts fall below the bar, only the ``max_outliers`` least similar stay out (ties broken by
    position) and the rest join their nearest theme, so the unassigned share has a hard upper bound.

    Args:
        similarity: Each text's cosine similarity to its nearest theme centroid.
        min_similarity: Texts at least this similar always join their nearest theme.
        max_outliers: Most texts left out.

    Returns:
        Boolean mask, True for the texts left without a theme.
    """
    similarity = np.asarray(similarity, dtype=np.float64)
    below = np.flatnonzero(similarity < min_similarity)
    if len(below) > max_outliers:
        below = below[np.argsort(similarity[below], kind="stable")[: max(0, max_outliers)]]
    out = np.zeros(len(similarity), dtype=bool)
    out[below] = True
    return out


def knee_index(scores: list[float], counts: list[int]) -> int:
    """Grid index of the knee of a rising curve: farthest above the chord of its running maximum.

    Both axes are scaled to [0, 1] (the count on a log scale), so the knee does not depend on the
    size of the data or on how high the silhouette climbs (Satopää et al., "Finding a 'Kneedle' in
    a Haystack", 2011).
    """
    x = np.log(np.asarray(counts, dtype=np.float64))
    y = np.maximum.accumulate(np.asarray(scores, dtype=np.float64))
    if len(x) < 3 or y[-1] <= y[0]:
        return int(np.argmax(scores))
    x = (x - x[0]) / (x[-1] - x[0])
    y = (y - y[0]) / (y[-1] - y[0])
    return int(np.argmax(y - x))


def spherical_refine(V: np.ndarray, labels: np.ndarray, iterations: int) -> np.ndarray:
    """A few spherical k-means steps from an initial labelling (rows of V must be unit length).

    Returns:
        Labels renumbered ``0..k-1`` in order of first appearance of each cluster id.
    """
    _, labels = np.unique(labels, return_inverse=True)
    for _ in range(iterations):
        k = int(labels.max()) + 1
        new = np.argmax(V @ centroids(V, labels, k).T, axis=1)
        _, new = np.unique(new, return_inverse=True)
        if np.array_equal(new, labels):
            break
        labels = new
    return labels


class WardSilhouetteClusterer:
    """Ward tree cut at the fewest themes whose silhouette is within ``tolerance`` of its first peak.

    Args:
        min_clusters: Fewest themes considered.
        max_clusters: Most themes considered (None: a fifth of the rows).
        tolerance: Relative silhouette loss accepted for fewer themes (0.015 = 1.5 %).
        ward_dims: Leading reduced dimensions the Ward tree is built on.
        refine_iterations: Spherical k-means steps after each cut.
        grid_points: Theme counts tried on the geometric coarse grid.
        min_cluster_size: Smaller clusters are labelled -1 (outliers, reassigned later if close).
        peak_floor: Least silhouette for an early peak to count as structure (Kaufman and Rousseeuw's
            bar for "weak structure" is 0.25); lower peaks are noise among few large clusters.
        knee_window: Span of the theme count, in natural log units, over which the silhouette's gain
            before and after a grid point is compared (log 2: one doubling).
        knee_ratio: A point is a peak when the gain after it is below this share of the gain before.
        seed: Kept for interface symmetry (the clusterer itself is deterministic).

    Attributes:
        weak_structure_: After ``fit``: the silhouette never reached ``peak_floor``, so the count was
            read from a weak curve (its interior maximum, or the knee of a curve still rising):
            no bend of the silhouette curve at ``peak_floor`` or more.
    """

    def __init__(self, min_clusters: int = 2, max_clusters: int | None = None, tolerance: float = 0.015,
                 ward_dims: int = 64, refine_iterations: int = 5,
                 grid_points: int = 30, min_cluster_size: int = 3, peak_floor: float = 0.25,
                 knee_window: float = math.log(2), knee_ratio: float = 0.6, seed: int = 42) -> None:
        self.min_clusters = min_clusters
        self.max_clusters = max_clusters
        self.tolerance = tolerance
        self.ward_dims = ward_dims
        self.refine_iterations = refine_iterations
        self.grid_points = grid_points
        self.min_cluster_size = min_cluster_size
        self.peak_floor = peak_floor
        self.knee_window = knee_window
        self.knee_ratio = knee_ratio
        self.seed = seed
        self.labels_: np.ndarray = np.empty(0, dtype=np.int64)
        self.scores_: dict[int, float] = {}
        self.weak_structure_: bool = False
        self.n_clusters_: int = 0
        self.cluster_centers_: np.ndarray = np.empty((0, 0), dtype=np.float32)

    def _score(self, k: int, tree: np.ndarray, V: np.ndarray) -> float:
        if k not in self.scores_:
            labels = spherical_refine(V, fcluster(tree, k, criterion="maxclust"), self.refine_iterations)
            self.scores_[k] = cosine_silhouette(V, labels)
        return self.scores_[k]

    def peak_index(self, scores: list[float], counts: list[int]) -> int:
        """Grid index of the first silhouette peak with real structure, else of the weak peak.

        Text with many near-duplicates (templated tickets, macros) has a second rise of the silhouette
        at finer counts, where each cluster is one template; the first peak is the coarsest
        granularity the data supports. A grid point starts a peak when it is at least ``peak_floor``,
        a running maximum, and the curve bends there: the silhouette gained over the next doubling of
        the theme count (to the best point within it, per unit of log count) is less than
        ``knee_ratio`` of the gain over the previous doubling. A one-point wobble on a rising curve
        does not bend it (1,500 demo tickets: a dip after 9 themes, 14 planted), and a plateau before
        the template rise does, however it wobbles (20,000 demo tickets, seed 11: flat from 15 to 28
        themes, then rising to 0.42 at 1,200). The peak is the best point of that next doubling, so
        the tolerance is measured from it.

        Without such a peak the structure is weak and :meth:`weak_peak_index` decides.

        Args:
            scores: Silhouette at each grid point.
            counts: Theme count of each grid point, ascending.
        """
        knee = self.knee_peak(scores, counts)
        return self.weak_peak_index(scores, counts) if knee is None else knee

    def knee_peak(self, scores: list[float], counts: list[int]) -> int | None:
        """Grid index of the first peak by the knee rule of :meth:`peak_index` (None: there is none)."""
        logs = np.log(np.asarray(counts, dtype=np.float64))
        for i in range(1, len(scores) - 1):
            score = scores[i]
            if score < self.peak_floor or score < max(scores[: i + 1]):
                continue
            before = int(np.searchsorted(logs, logs[i] - self.knee_window + 1e-9, side="right")) - 1
            before = max(0, min(before, i - 1))
            last = max(i + 1, int(np.searchsorted(logs, logs[i] + self.knee_window + 1e-9, side="right")) - 1)
            gain_before = (score - scores[before]) / (logs[i] - logs[before])
            gain_after = (max(scores[i + 1: last + 1]) - score) / (logs[last] - logs[i])
            if gain_before > 0 and gain_after < self.knee_ratio * gain_before:
                return i + int(np.argmax(scores[i: last + 1]))
        return None

    def weak_peak_index(self, scores: list[float], counts: list[int]) -> int:
        """Where a curve without a bend above the floor peaks: its maximum if the curve comes down after it.

        A maximum that later counts fall below by more than the tolerance is a real if weak peak (HWU64,
        StackOverflow: silhouettes 0.16-0.24 that rise to 20-70 themes and fall). A curve still rising at
        the finest count above the floor is real structure finer than the grid (a labelled sample of five
        texts per label): its maximum is kept. Below the floor it has no peak; its maximum there would be
        one theme per handful of texts, so the knee of the curve (:func:`knee_index`) is taken instead, a
        coarser count.
        """
        best = int(np.argmax(scores))
        if scores[-1] < scores[best] - self.tolerance * abs(scores[best]):
            return best
        if scores[best] >= self.peak_floor:
            # Real structure that is still separating at the finest count the grid allows (a labelled
            # sample of a few texts per label: CLINC150 validation, 5 requests for each of 150 intents).
            log.warning("the silhouette rises to the finest of %d-%d themes (best %.3f, above the %.2f floor): "
                        "themes may be finer than the grid allows", counts[0], counts[-1], scores[best],
                        self.peak_floor)
            return best
        knee = knee_index(scores, counts)
        log.warning("the silhouette rises to the finest of %d-%d themes without a peak (best %.3f): weak "
                    "structure, reading the knee at %d themes instead", counts[0], counts[-1], scores[best],
                    counts[knee])
        return knee

    def grid_choice(self, scores: list[float], counts: list[int]) -> tuple[int, float]:
        """Grid index of the fewest themes whose silhouette is within ``tolerance`` of the first peak.

        Returns:
            That index and the silhouette floor it had to reach.
        """
        peak = self.peak_index(scores, counts)
        floor = scores[peak] - self.tolerance * abs(scores[peak])
        return next(i for i, s in enumerate(scores[: peak + 1]) if s >= floor), floor

    def choose_count(self, tree: np.ndarray, V: np.ndarray, lo: int, hi: int) -> int:
        """The theme count to cut ``tree`` at (between ``lo`` and ``hi``), read from the silhouette of V."""
        grid = sorted({round(float(k)) for k in np.geomspace(lo, hi, self.grid_points)} | {lo, hi})
        scores = [self._score(k, tree, V) for k in grid]
        self.weak_structure_ = self.knee_peak(scores, grid) is None
        first, floor = self.grid_choice(scores, grid)
        if first > 0:  # the fewest themes that qualify may lie between two grid points
            between = range(grid[first - 1] + 1, grid[first])
            step = max(1, len(between) // 8)
            for k in list(between)[::step]:
                if self._score(k, tree, V) >= floor:
                    return k
        return grid[first]

    def fit(self, X: np.ndarray, y: Any = None) -> Self:
        """Cluster the (reduced) rows of X; sets ``labels_``, ``n_clusters_`` and ``cluster_centers_``."""
        X = np.asarray(X, dtype=np.float32)
        n = len(X)
        self.scores_ = {}
        self.weak_structure_ = False
        if n < 2 * max(2, self.min_cluster_size):
            self.labels_ = np.zeros(n, dtype=np.int64)
            self.n_clusters_ = 1 if n else 0
            self.cluster_centers_ = centroids(X, self.labels_, self.n_clusters_) if n else np.empty((0, X.shape[1]))
            return self
        V = unit_rows(X)
        tree = linkage(X[:, : self.ward_dims].astype(np.float64), method="ward")
        hi = max(2, min(self.max_clusters or n // 5, n - 1))
        lo = max(2, min(self.min_clusters, hi))
        k = self.choose_count(tree, V, lo, hi) if hi > lo else lo
        labels = spherical_refine(V, fcluster(tree, k, criterion="maxclust"), self.refine_iterations)
        sizes = np.bincount(labels)
        small = sizes < self.min_cluster_size
        if small.any():
            kept = np.flatnonzero(~small)
            remap = np.full(len(sizes), -1, dtype=np.int64)
            remap[kept] = np.arange(len(kept))
            labels = remap[labels]
        self.labels_ = labels.astype(np.int64)
        self.n_clusters_ = int(labels.max()) + 1 if (labels >= 0).any() else 0
        self.cluster_centers_ = centroids(V, self.labels_, self.n_clusters_)
        log.debug("ward-silhouette chose %d themes (grid %s)", self.n_clusters_, sorted(self.scores_))
        if self.weak_structure_:
            log.info("weak structure: no bend of the silhouette at %.2f or more (best %.3f); %d themes",
                     self.peak_floor, max(self.scores_.values()), self.n_clusters_)
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Nearest cluster centre by cosine similarity."""
        if self.n_clusters_ == 0:
            return np.full(len(X), -1, dtype=np.int64)
        return np.asarray(np.argmax(unit_rows(X) @ self.cluster_centers_.T, axis=1), dtype=np.int64)
