"""Semantic evidence between themes and backlog items: the pipeline's use of the matcher.

A theme is represented by its centroid (the mean of its tickets' unit embeddings, in the same
MiniLM space as the matcher's item vectors) and, when given, by its keywords. An item is scored
by its title and by the best chunk of its description, so a long engineering write-up whose
second paragraph names the symptom still matches. Only each item's ``top_k`` themes above
``min_similarity`` are kept: these are candidate links, which the warehouse combines with
explicit and temporal evidence and human review before anything counts as a link.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from topics.link.fusion import top_k as best_k
from topics.link.matcher import Matcher


@dataclass(frozen=True)
class ThemeProfile:
    """What the matcher knows of one theme.

    Attributes:
        theme_id: Stable theme id (``T0042``).
        centroid: Mean embedding of the theme's tickets (any norm; normalised here).
        keywords: Top keywords, comma separated (may be empty).
    """

    theme_id: str
    centroid: np.ndarray
    keywords: str = ""


@dataclass(frozen=True)
class ThemeItemScore:
    """One candidate (theme, item) pair.

    Attributes:
        theme_id: Theme.
        item_id: Backlog item.
        similarity: Cosine of the theme and the item (the best of title and description chunks,
            centroid and keywords), in [-1, 1].
        rank: 1 for the item's most similar theme.
        agreement: Mean cosine of the centroid of the item's best theme with those of its next
            ``top_k - 1`` themes: high when the item's nearest themes are one subject (a fix of
            one pain point), low when they are scattered (roadmap work that touches nothing
            in particular). The same for every row of an item.
    """

    theme_id: str
    item_id: str
    similarity: float
    rank: int
    agreement: float = 0.0


@dataclass(frozen=True)
class ItemNeighbour:
    """One of an item's most similar other backlog items.

    Attributes:
        item_id: Backlog item.
        neighbour_id: Another item of the same backlog.
        similarity: Cosine of the two items (the better of title to title and whole text to
            whole text), in [-1, 1].
        rank: 1 for the item's most similar other item.
    """

    item_id: str
    neighbour_id: str
    similarity: float
    rank: int


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def theme_item_similarity(matcher: Matcher, themes: Sequence[ThemeProfile]) -> np.ndarray:
    """``(n_items, n_themes)`` cosine of every backlog item with every theme.

    The matcher must have been built with dense signals; each configured dense signal (title,
    whole text, description chunks) is compared with the theme centroid and, for themes with
    keywords, with the embedding of the keywords, and the best of them is the similarity.

    Args:
        matcher: A matcher over the backlog items, with at least one ``dense_*`` signal.
        themes: Theme profiles; their order is the column order of the result.

    Raises:
        ValueError: If the matcher has no dense signal.
    """
    if not matcher.config.dense:
        raise ValueError("theme similarity needs a matcher with a dense signal")
    if not themes:
        return np.zeros((len(matcher.items), 0), dtype=np.float32)
    centroids = _unit(np.vstack([np.asarray(t.centroid, dtype=np.float32) for t in themes]))
    best = np.full((len(matcher.items), len(themes)), -1.0, dtype=np.float32)
    queries = [centroids]
    with_keywords = [i for i, t in enumerate(themes) if t.keywords.strip()]
    if with_keywords:
        keyword_vectors = np.zeros_like(centroids)
        keyword_vectors[with_keywords] = matcher.embed_queries([themes[i].keywords for i in with_keywords])
        queries.append(keyword_vectors)
    for vectors in queries:
        dense = {name: scores for name, scores in matcher.signal_scores(query_vectors=vectors).items()
                 if name.startswith("dense_")}
        for scores in dense.values():
            best = np.maximum(best, scores.T)
    return best


def candidate_links(matcher: Matcher, themes: Sequence[ThemeProfile], top_k: int = 5,
                    min_similarity: float = 0.2) -> list[ThemeItemScore]:
    """Each item's ``top_k`` most similar themes with a similarity of at least ``min_similarity``.

    Args:
        matcher: Matcher over the backlog items (dense signals).
        themes: Theme profiles.
        top_k: Themes kept per item.
        min_similarity: Lowest cosine kept.

    Returns:
        Candidate pairs, item by item in the matcher's order, best theme first.
    """
    similarity = theme_item_similarity(matcher, themes)
    out: list[ThemeItemScore] = []
    if similarity.shape[1] == 0:
        return out
    keep = min(top_k, similarity.shape[1])
    order = np.argsort(-similarity, axis=1, kind="stable")[:, :keep]
    centroids = _unit(np.vstack([np.asarray(t.centroid, dtype=np.float32) for t in themes]))
    for row, item_id in enumerate(matcher.item_ids):
        best, rest = order[row][0], order[row][1:]
        agreement = float((centroids[rest] @ centroids[best]).mean()) if len(rest) else 1.0
        for rank, col in enumerate(order[row], start=1):
            value = float(similarity[row, col])
            if value >= min_similarity:
                out.append(ThemeItemScore(themes[col].theme_id, item_id, value, rank, agreement))
    return out


def item_neighbours(matcher: Matcher, top_k: int = 10, min_similarity: float = 0.3,
                    block: int = 1024) -> list[ItemNeighbour]:
    """Each item's ``top_k`` most similar other items with a cosine of at least ``min_similarity``.

    The warehouse uses them to ask whether an item reads like another item that explicitly fixes
    a theme (an engineer's "OOM in KlineChartView" and last quarter's "OOM in KlineChartView on
    tablets", which cited crash tickets). Title is compared with title and whole text with whole
    text, and the better of the two counts. Items are compared a block at a time, so memory
    grows with ``block x items``, not with the square of the backlog.

    Args:
        matcher: Matcher over the backlog items with the ``dense_title`` and/or ``dense_text`` signal.
        top_k: Neighbours kept per item.
        min_similarity: Lowest cosine kept.
        block: Items compared at once.

    Raises:
        ValueError: If the matcher has neither signal.
    """
    signals = [s for s in ("dense_title", "dense_text") if s in matcher.config.signals]
    if not signals:
        raise ValueError("item neighbours need a matcher with dense_title or dense_text")
    vectors = [matcher.item_vectors(s) for s in signals]
    ids = matcher.item_ids
    n = len(ids)
    keep = min(top_k, n - 1)
    out: list[ItemNeighbour] = []
    if keep <= 0:
        return out
    for start in range(0, n, block):
        stop = min(start + block, n)
        sims = np.max([v[start:stop] @ v.T for v in vectors], axis=0)
        sims[np.arange(stop - start), np.arange(start, stop)] = -np.inf  # not its own neighbour
        order, values = best_k(sims, keep)
        for row, (cols, row_values) in enumerate(zip(order, values, strict=True)):
            for rank, (col, value) in enumerate(zip(cols, row_values, strict=True), start=1):
                if value < min_similarity:
                    break
                out.append(ItemNeighbour(ids[start + row], ids[col], float(value), rank))
    return out
