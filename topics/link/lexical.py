"""BM25 over identifier-aware terms, as sparse matrices (no extra dependency)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from topics.link.text import tokenize


@dataclass(frozen=True)
class BM25Params:
    """Okapi BM25 parameters (the textbook defaults; not tuned on any judged pairs).

    Attributes:
        k1: Term-frequency saturation.
        b: Document-length normalization.
    """

    k1: float = 1.2
    b: float = 0.75


class BM25Index:
    """BM25 scores of query texts against a fixed list of documents.

    Args:
        documents: Document texts (one per backlog item; fields already weighted by repetition).
        params: BM25 parameters.
        split_identifiers: Split code identifiers into words (see :func:`topics.link.text.tokenize`).
        stemming: Fold inflections.
    """

    def __init__(self, documents: Sequence[str], params: BM25Params | None = None, *,
                 split_identifiers: bool = True, stemming: bool = True) -> None:
        self.params = params or BM25Params()
        self._tokenize_kwargs = {"split_identifiers": split_identifiers, "stemming": stemming}
        self.vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[int] = []
        lengths = np.zeros(len(documents), dtype=np.float64)
        for row, text in enumerate(documents):
            counts: dict[int, int] = {}
            for term in tokenize(text, **self._tokenize_kwargs):
                col = self.vocabulary.setdefault(term, len(self.vocabulary))
                counts[col] = counts.get(col, 0) + 1
            lengths[row] = sum(counts.values())
            rows.extend([row] * len(counts))
            cols.extend(counts)
            vals.extend(counts.values())
        n_docs, n_terms = len(documents), len(self.vocabulary)
        tf = sparse.csr_matrix((np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(n_docs, n_terms))
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=n_terms).astype(np.float64)
        self.idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        avg = lengths.mean() if n_docs and lengths.mean() > 0 else 1.0
        k1, b = self.params.k1, self.params.b
        norm = k1 * (1.0 - b + b * lengths / avg)
        tf = tf.tocoo()
        weighted = tf.data * (k1 + 1.0) / (tf.data + norm[tf.row]) * self.idf[tf.col]
        self._doc_term = sparse.csr_matrix((weighted, (tf.row, tf.col)), shape=(n_docs, n_terms))

    def query_matrix(self, queries: Sequence[str]) -> sparse.csr_matrix:
        """Query term counts over the index vocabulary (unknown terms dropped)."""
        rows: list[int] = []
        cols: list[int] = []
        vals: list[int] = []
        for row, text in enumerate(queries):
            counts: dict[int, int] = {}
            for term in tokenize(text, **self._tokenize_kwargs):
                col = self.vocabulary.get(term)
                if col is not None:
                    counts[col] = counts.get(col, 0) + 1
            rows.extend([row] * len(counts))
            cols.extend(counts)
            vals.extend(counts.values())
        return sparse.csr_matrix((np.asarray(vals, dtype=np.float64), (rows, cols)),
                                 shape=(len(queries), len(self.vocabulary)))

    def scores(self, queries: Sequence[str]) -> np.ndarray:
        """``(len(queries), n_documents)`` BM25 scores; each distinct query term counts once."""
        q = self.query_matrix(queries)
        q.data = np.ones_like(q.data)
        return np.asarray((q @ self._doc_term.T).todense(), dtype=np.float64)
