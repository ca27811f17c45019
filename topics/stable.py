"""Stable theme ids across refits, and the lineage of splits and merges.

A refit's themes are matched one-to-one to the existing themes by Hungarian assignment on a
combined similarity (centroid cosine and keyword Jaccard). Matched themes keep their id, human
name and ignore flag; the rest get new ids. When the documents of both fits are known (by a stable
document key such as the ticket id), their overlap records splits and merges as lineage edges.
Top-level theme groups (:mod:`topics.taxonomy`) keep their ids the same way, matched by the fine
themes they share (:func:`match_groups`).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.optimize import linear_sum_assignment

from topics.config import TrackConfig
from topics.records import UNASSIGNED, FitResult, Theme
from topics.taxonomy import TaxonomyConfig, ThemeGroup

LineageKind = Literal["continued", "split", "merge", "new", "retired"]


@dataclass(frozen=True)
class LineageEdge:
    """One edge of theme lineage between two fits.

    Attributes:
        old_theme_id: Theme before the refit (None for a new theme).
        new_theme_id: Theme after the refit (None for a retired theme).
        kind: ``continued``, ``split`` (one old theme feeds several new), ``merge`` (several old feed one
            new), ``new`` or ``retired``.
        share: Share of the old theme's documents that went to the new theme (1.0 when unknown).
    """

    old_theme_id: int | None
    new_theme_id: int | None
    kind: LineageKind
    share: float


@dataclass(frozen=True)
class MatchResult:
    """A refit expressed in stable ids.

    Attributes:
        result: The refit with stable ids, human names and ignore flags carried over.
        mapping: The refit's own theme id to its stable id.
        lineage: Split, merge, new and retired edges.
        next_id: The next unused stable id.
    """

    result: FitResult
    mapping: dict[int, int]
    lineage: tuple[LineageEdge, ...]
    next_id: int


def keyword_jaccard(a: Sequence[str], b: Sequence[str]) -> float:
    """Jaccard similarity of two keyword lists (0 when both are empty)."""
    left, right = set(a), set(b)
    return len(left & right) / len(left | right) if left | right else 0.0


def similarity_matrix(old: Sequence[Theme], new: Sequence[Theme], centroid_weight: float) -> np.ndarray:
    """``centroid_weight * cosine + (1 - centroid_weight) * keyword Jaccard`` for every old/new pair."""
    if not old or not new:
        return np.zeros((len(old), len(new)))
    cos = np.stack([t.centroid for t in old]) @ np.stack([t.centroid for t in new]).T
    jac = np.array([[keyword_jaccard(o.keywords, n.keywords) for n in new] for o in old])
    return np.asarray(centroid_weight * cos + (1.0 - centroid_weight) * jac)


def _overlap(old_docs: Mapping[Hashable, int], new_keys: Sequence[Hashable], new_assignments: np.ndarray,
             old_ids: list[int], new_ids: list[int]) -> np.ndarray:
    old_pos = {t: i for i, t in enumerate(old_ids)}
    new_pos = {t: j for j, t in enumerate(new_ids)}
    counts = np.zeros((len(old_ids), len(new_ids)))
    for key, new_theme in zip(new_keys, new_assignments, strict=True):
        old_theme = old_docs.get(key, UNASSIGNED)
        if old_theme in old_pos and int(new_theme) in new_pos:
            counts[old_pos[old_theme], new_pos[int(new_theme)]] += 1
    return counts


def match_themes(previous: Sequence[Theme], refit: FitResult, config: TrackConfig | None = None, *,
                 previous_docs: Mapping[Hashable, int] | None = None, doc_keys: Sequence[Hashable] | None = None,
                 next_id: int | None = None) -> MatchResult:
    """Give a refit's themes the ids of the existing themes they continue.

    Args:
        previous: Existing themes (stable ids, human names).
        refit: The new fit, with its own ids.
        config: Thresholds.
        previous_docs: Document key to its existing stable theme id (for lineage).
        doc_keys: Key of each document of ``refit`` (same order as ``refit.assignments``).
        next_id: First id for new themes (default: one past the largest id ever used in ``previous``).

    Returns:
        The refit in stable ids, the id mapping and lineage edges.
    """
    config = config or TrackConfig()
    new_themes = list(refit.themes)
    sims = similarity_matrix(previous, new_themes, config.centroid_weight)
    mapping: dict[int, int] = {}
    inherited: dict[int, Theme] = {}
    if sims.size:
        rows, cols = linear_sum_assignment(-sims)
        for i, j in zip(rows, cols, strict=True):
            if sims[i, j] >= config.match_threshold:
                mapping[new_themes[j].theme_id] = previous[i].theme_id
                inherited[new_themes[j].theme_id] = previous[i]
    counter = next_id if next_id is not None else max((t.theme_id for t in previous), default=-1) + 1
    for theme in new_themes:
        if theme.theme_id not in mapping:
            mapping[theme.theme_id] = counter
            counter += 1
    themes = []
    for theme in new_themes:
        old = inherited.get(theme.theme_id)
        carried = {"human_name": old.human_name, "ignored": old.ignored} if old else {}
        themes.append(theme.replace(theme_id=mapping[theme.theme_id], **carried))
    result = refit.relabel(mapping, tuple(themes))
    lineage = _lineage(previous, result, mapping, config, previous_docs, doc_keys)
    return MatchResult(result=result, mapping=mapping, lineage=lineage, next_id=counter)


def _lineage(previous: Sequence[Theme], result: FitResult, mapping: Mapping[int, int], config: TrackConfig,
             previous_docs: Mapping[Hashable, int] | None, doc_keys: Sequence[Hashable] | None,
             ) -> tuple[LineageEdge, ...]:
    old_ids = [t.theme_id for t in previous]
    new_ids = [t.theme_id for t in result.themes]
    if previous_docs is None or doc_keys is None:
        kept = set(mapping.values()) & set(old_ids)
        simple = [LineageEdge(t, t, "continued", 1.0) for t in sorted(kept)]
        simple += [LineageEdge(None, t, "new", 1.0) for t in new_ids if t not in kept]
        simple += [LineageEdge(t, None, "retired", 1.0) for t in old_ids if t not in kept]
        return tuple(simple)
    counts = _overlap(previous_docs, doc_keys, result.assignments, old_ids, new_ids)
    old_share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    new_share = counts / np.maximum(counts.sum(axis=0, keepdims=True), 1)
    linked = (old_share >= config.lineage_threshold) | (new_share >= config.lineage_threshold)
    linked &= counts > 0
    edges: list[LineageEdge] = []
    for i, j in zip(*np.nonzero(linked), strict=True):
        if linked[i].sum() > 1:
            kind: LineageKind = "split"
        elif linked[:, j].sum() > 1:
            kind = "merge"
        else:
            kind = "continued"
        edges.append(LineageEdge(old_ids[i], new_ids[j], kind, round(float(old_share[i, j]), 4)))
    edges += [LineageEdge(None, new_ids[j], "new", 1.0) for j in range(len(new_ids)) if not linked[:, j].any()]
    edges += [LineageEdge(old_ids[i], None, "retired", 0.0) for i in range(len(old_ids)) if not linked[i].any()]
    return tuple(edges)


def _group_similarity(old: Sequence[ThemeGroup], new: Sequence[ThemeGroup], weights: Mapping[int, float],
                      overlap_weight: float) -> np.ndarray:
    """``overlap_weight * weighted member Jaccard + (1 - overlap_weight) * centroid cosine`` per old/new pair."""
    sims = np.zeros((len(old), len(new)))
    for i, o in enumerate(old):
        for j, n in enumerate(new):
            left, right = set(o.member_ids), set(n.member_ids)
            union = sum(weights.get(t, 1.0) for t in left | right)
            jaccard = sum(weights.get(t, 1.0) for t in left & right) / union if union else 0.0
            cosine = float(np.dot(o.centroid, n.centroid))
            sims[i, j] = overlap_weight * jaccard + (1.0 - overlap_weight) * cosine
    return sims


def match_groups(previous: Sequence[ThemeGroup], groups: Sequence[ThemeGroup], config: TaxonomyConfig | None = None,
                 *, weights: Mapping[int, float] | None = None, next_id: int | None = None) -> tuple[ThemeGroup, ...]:
    """Give a new taxonomy's groups the ids of the existing groups they continue.

    Fine theme ids are already stable (:func:`match_themes`), so a group continues the old group
    that shares most of its members (weighted by theme size) and points the same way; the pairs are
    chosen one to one by Hungarian assignment, above ``config.match_threshold``.

    Args:
        previous: Existing groups (stable ids, member theme ids).
        groups: The new groups (their own ids).
        config: Threshold and the weight of member overlap.
        weights: Fine theme id to its size (default 1 each).
        next_id: First id for new groups (default: one past the largest id in ``previous``).

    Returns:
        The new groups with stable ids, in the order given.
    """
    config = config or TaxonomyConfig()
    sims = _group_similarity(previous, groups, weights or {}, config.overlap_weight)
    mapping: dict[int, int] = {}
    if sims.size:
        rows, cols = linear_sum_assignment(-sims)
        for i, j in zip(rows, cols, strict=True):
            if sims[i, j] >= config.match_threshold:
                mapping[j] = previous[i].group_id
    counter = next_id if next_id is not None else max((g.group_id for g in previous), default=-1) + 1
    out = []
    for j, group in enumerate(groups):
        if j not in mapping:
            mapping[j] = counter
            counter += 1
        out.append(ThemeGroup(mapping[j], group.label, group.size, group.centroid, group.member_ids))
    return tuple(out)
