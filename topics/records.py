"""Typed records that flow between the steps of the topic pipeline."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

UNASSIGNED = -1


@dataclass(frozen=True, eq=False)
class Theme:
    """One theme as a product manager sees it.

    Attributes:
        theme_id: Stable id (after :func:`topics.stable.match_themes`) or the fit's own id.
        size: Documents assigned.
        label: Short name shown: a phrase from the theme's texts (:mod:`topics.naming`).
        keywords: Top keywords by c-TF-IDF, best first.
        representative_docs: Indices (into the fitted documents) of the documents closest to the centroid.
        representative_texts: Those documents' texts, redacted.
        centroid: Unit mean embedding of the theme's documents.
        human_name: Name given by a person (kept across refits), if any.
        ignored: Marked "ignore" by a person (kept, but hidden from reports).
        kind: ``theme``, or ``low_information`` for the bucket of texts that say nothing a theme could
            be made of (:mod:`topics.lowinfo`), which theme lists, spikes and shares leave out.
    """

    theme_id: int
    size: int
    label: str
    keywords: tuple[str, ...]
    representative_docs: tuple[int, ...]
    representative_texts: tuple[str, ...]
    centroid: np.ndarray
    human_name: str | None = None
    ignored: bool = False
    kind: str = "theme"

    @property
    def name(self) -> str:
        """What to show: the human-given name when there is one, else the keyword label."""
        return self.human_name or self.label

    def replace(self, **changes: Any) -> Theme:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class DocTheme:
    """The theme of one document.

    Attributes:
        doc_index: Position of the document in the fitted (or assigned) list.
        theme_id: Theme id, or -1 when unassigned.
        probability: Cosine similarity to the theme centroid, clipped to [0, 1] (0 when unassigned).
    """

    doc_index: int
    theme_id: int
    probability: float


@dataclass(frozen=True, eq=False)
class FitResult:
    """Themes found in a set of documents, and each document's theme.

    Attributes:
        themes: The themes, largest first.
        assignments: Theme id per document (-1 unassigned).
        probabilities: Cosine similarity of each document to its theme centroid (0 when unassigned).
        n_fit_docs: Documents the clustering was fitted on (the rest were assigned).
        fit_seconds: Seconds spent fitting (after embeddings).
        weak_structure: The texts showed no clear theme structure (the silhouette curve had no bend
            at the clusterer's floor), so the theme count was read from a weak curve and is less certain.
        word_view: The themes were fitted with the texts' word view beside their sentence vectors
            (:mod:`topics.lexical`): the corpus is grouped by the words it names.
        word_ratio: How well the texts' words separated the first fit's themes compared with their
            sentence vectors (silhouette ratio; the word view is used from ``ClusterConfig.lexical_ratio``);
            0 when not measured.
    """

    themes: tuple[Theme, ...]
    assignments: np.ndarray
    probabilities: np.ndarray
    n_fit_docs: int
    fit_seconds: float
    weak_structure: bool = False
    word_view: bool = False
    word_ratio: float = 0.0

    @property
    def n_themes(self) -> int:
        """Number of themes (the low-information bucket is not one)."""
        return sum(1 for t in self.themes if t.kind == "theme")

    @property
    def low_information_count(self) -> int:
        """Documents in the low-information bucket."""
        return sum(t.size for t in self.themes if t.kind != "theme")

    @property
    def outlier_share(self) -> float:
        """Share of documents left unassigned."""
        return float(np.mean(self.assignments == UNASSIGNED)) if len(self.assignments) else 0.0

    def theme(self, theme_id: int) -> Theme:
        """The theme with this id."""
        for theme in self.themes:
            if theme.theme_id == theme_id:
                return theme
        raise KeyError(theme_id)

    def centroid_matrix(self) -> tuple[np.ndarray, np.ndarray]:
        """Theme ids and their centroids as a ``(n_themes, dim)`` matrix."""
        ids = np.array([t.theme_id for t in self.themes], dtype=np.int64)
        if not self.themes:
            return ids, np.empty((0, 0), dtype=np.float32)
        return ids, np.stack([t.centroid for t in self.themes]).astype(np.float32)

    def doc_themes(self) -> list[DocTheme]:
        """One record per document."""
        return [DocTheme(i, int(t), float(p))
                for i, (t, p) in enumerate(zip(self.assignments, self.probabilities, strict=True))]

    def relabel(self, mapping: Mapping[int, int], themes: tuple[Theme, ...] | None = None) -> FitResult:
        """A copy whose theme ids are mapped through ``mapping`` (ids not in it are kept).

        Args:
            mapping: Old id to new id.
            themes: Replacement themes (already carrying new ids); default: the themes with ids mapped.
        """
        lookup = np.vectorize(lambda t: mapping.get(int(t), int(t)), otypes=[np.int64])
        assignments = lookup(self.assignments) if len(self.assignments) else self.assignments.copy()
        if themes is None:
            themes = tuple(t.replace(theme_id=mapping.get(t.theme_id, t.theme_id)) for t in self.themes)
        return dataclasses.replace(self, themes=themes, assignments=assignments)
