"""A word view of the texts, for corpora whose themes are named by their words.

The sentence model reads what a text asks ("how do I get the current date"); some corpora are
grouped by the words they name instead (a product, a library, a tag: "... in Matlab"). There, a
TF-IDF view of the texts (latent semantic analysis: TF-IDF, then a truncated SVD) separates the
themes the sentence vectors found better than those vectors do, and clustering on both views
together finds better themes. Elsewhere (requests phrased many ways, templated tickets) the word
view adds template and synonym noise, so it is used only where the data says so: when the
cosine silhouette of the first fit's themes in the word view is at least ``ClusterConfig.
lexical_ratio`` times their silhouette in the sentence view. ``topics/README.md``, "A word view
for corpora named by their words", has the measurements.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer

from topics.cluster import cosine_silhouette, unit_rows

log = logging.getLogger(__name__)

LEXICAL_DIMS = 128
"""Dimensions of the word view (the SVD of the TF-IDF matrix)."""


class WordView:
    """The texts' word view: sublinear TF-IDF (English stop words out, words in 2+ texts), then an SVD.

    Fitted on the texts themes are fitted on; other texts are placed in the same view (a text with no
    word of the fitted vocabulary gets a zero row: it adds nothing in the word view).
    """

    def __init__(self, seed: int = 42, dims: int = LEXICAL_DIMS) -> None:
        self.seed = seed
        self.dims = dims
        self._tfidf: TfidfVectorizer | None = None
        self._svd: TruncatedSVD | None = None

    def fit(self, texts: Sequence[str]) -> bool:
        """Learn the vocabulary and the view; False when the texts share too few words to form one."""
        tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=2)
        try:
            matrix = tfidf.fit_transform(list(texts))
        except ValueError:  # no word is in two texts
            return False
        n_dims = min(self.dims, matrix.shape[1] - 1, matrix.shape[0] - 1)
        if n_dims < 2:
            return False
        self._tfidf, self._svd = tfidf, TruncatedSVD(n_dims, random_state=self.seed).fit(matrix)
        return True

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Unit rows of the texts in the fitted view."""
        if self._tfidf is None or self._svd is None:
            raise RuntimeError("the word view is not fitted")
        return unit_rows(self._svd.transform(self._tfidf.transform(list(texts))).astype(np.float32))


def lexical_vectors(texts: Sequence[str], seed: int = 42, dims: int = LEXICAL_DIMS) -> np.ndarray | None:
    """The word view of ``texts`` fitted on themselves (None when they share too few words)."""
    view = WordView(seed, dims)
    return view.transform(texts) if view.fit(texts) else None


def separation_ratio(embeddings: np.ndarray, lexical: np.ndarray, labels: np.ndarray) -> float:
    """How well the word view separates ``labels`` compared with the sentence view.

    Returns:
        Cosine silhouette of the labels (unassigned rows left out) in the word view over that in the
        sentence view; 0 when the sentence view's silhouette is not positive or fewer than two themes.
    """
    kept = labels >= 0
    if len(set(labels[kept].tolist())) < 2:
        return 0.0
    sentence = cosine_silhouette(unit_rows(embeddings[kept]), labels[kept])
    if sentence <= 0:
        return 0.0
    return cosine_silhouette(lexical[kept], labels[kept]) / sentence


def with_words(embeddings: np.ndarray, lexical: np.ndarray, weight: float) -> np.ndarray:
    """The sentence vectors (unit rows) with the word view appended at ``weight``."""
    return np.hstack([unit_rows(np.asarray(embeddings, dtype=np.float32)), weight * lexical]).astype(np.float32)
