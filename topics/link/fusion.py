"""Rank fusion and top-k selection over ``(n_queries, n_items)`` score matrices."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def ranks(scores: np.ndarray) -> np.ndarray:
    """0-based rank of each item per query row (0 is the highest score; ties by item order)."""
    order = np.argsort(-scores, axis=1, kind="stable")
    out = np.empty_like(order)
    rows = np.arange(scores.shape[0])[:, None]
    out[rows, order] = np.arange(scores.shape[1])[None, :]
    return out


def reciprocal_rank_fusion(score_matrices: Sequence[np.ndarray], k: int = 60) -> np.ndarray:
    """Sum over signals of ``1 / (k + rank)`` with 1-based ranks (Cormack, Clarke and Buettcher, 2009).

    Args:
        score_matrices: One ``(n_queries, n_items)`` matrix per signal, higher is better.
        k: Damping constant; larger values flatten the contribution of top ranks.

    Returns:
        The fused ``(n_queries, n_items)`` scores.
    """
    fused = np.zeros(score_matrices[0].shape, dtype=np.float64)
    for scores in score_matrices:
        fused += 1.0 / (k + ranks(scores) + 1.0)
    return fused


def top_k(scores: np.ndarray, k: int, tie_break: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Indices and scores of each row's ``k`` best items, best first.

    Args:
        scores: ``(n_queries, n_items)``.
        k: Items per row (capped at ``n_items``).
        tie_break: Optional matrix of the same shape ordering items with equal ``scores``.

    Returns:
        ``(indices, values)``, both ``(n_queries, min(k, n_items))``.
    """
    n_items = scores.shape[1]
    k = min(k, n_items)
    if k == 0:
        empty = np.zeros((scores.shape[0], 0))
        return empty.astype(np.int64), empty
    secondary = tie_break if tie_break is not None else np.zeros_like(scores)
    indices = np.empty((scores.shape[0], k), dtype=np.int64)
    for row in range(scores.shape[0]):
        candidates = np.argpartition(-scores[row], k - 1)[:k] if k < n_items else np.arange(n_items)
        threshold = scores[row, candidates].min()
        pool = np.flatnonzero(scores[row] >= threshold)
        order = np.lexsort((pool, -secondary[row, pool], -scores[row, pool]))
        indices[row] = pool[order[:k]]
    values = np.take_along_axis(scores, indices, axis=1)
    return indices, values
