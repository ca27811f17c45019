"""The matcher: scores query texts (reviews, tickets, themes) against backlog items.

One code path serves ``closedloop link`` (feedback rows against a tracker export) and the pipeline
(themes against backlog items): queries are texts, precomputed vectors (theme centroids), or both.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from topics.embed import Embedder, EmbeddingCache, make_embedder
from topics.link.config import MatchConfig, link_embed_config
from topics.link.fusion import reciprocal_rank_fusion, top_k
from topics.link.lexical import BM25Index
from topics.link.text import chunk_words, gloss_engineering_terms, split_title

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BacklogItem:
    """One backlog item as the matcher sees it.

    Attributes:
        item_id: Tracker key (``EX-123``, ``12112``).
        title: Summary line.
        description: Body text (may be empty).
        labels: Tracker labels (lexical evidence only; the vectors are the title's and text's).
        components: Tracker components (likewise).
    """

    item_id: str
    title: str
    description: str = ""
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()

    @classmethod
    def from_text(cls, item_id: str, text: str) -> BacklogItem:
        """An item from one text column: its first line is the title, the rest the description."""
        title, body = split_title(text or "")
        return cls(item_id=item_id, title=title, description=body)

    @property
    def text(self) -> str:
        """Title and description on separate lines."""
        return f"{self.title}\n{self.description}".strip()


@dataclass(frozen=True)
class Match:
    """One ranked (query, item) pair.

    Attributes:
        query_index: Position of the query in the input.
        item_id: Matched item.
        rank: 1 is the best match of that query.
        score: The fused score (cosine for a single dense signal, RRF otherwise); higher is better.
    """

    query_index: int
    item_id: str
    rank: int
    score: float


@dataclass(frozen=True)
class EmbeddingCounts:
    """How many distinct texts were embedded and how many came from the cache.

    Attributes:
        embedded: Texts that went through the model.
        reused: Texts read from the cache.
    """

    embedded: int = 0
    reused: int = 0


class Matcher:
    """Scores queries against a fixed list of backlog items.

    Items are embedded (through ``cache`` when given) and indexed when the matcher is built.

    Args:
        items: Backlog items; their order is the column order of every score matrix.
        config: Signals and fusion; defaults to :class:`MatchConfig`'s measured defaults.
        embedder: Anything with the :class:`~topics.embed.Embedder` shape; defaults to
            the packaged MiniLM (only built when a dense signal is configured).
        cache: Embedding cache; None embeds every time.
    """

    def __init__(self, items: Sequence[BacklogItem], config: MatchConfig | None = None,
                 embedder: Embedder | None = None, cache: EmbeddingCache | None = None) -> None:
        self.items = tuple(items)
        self.config = config or MatchConfig()
        self.embedder: Embedder | None = embedder
        if self.embedder is None and self.config.dense:
            self.embedder = make_embedder(link_embed_config(), threads=1)
        self.cache = cache
        self.item_counts = EmbeddingCounts()
        self.query_counts = EmbeddingCounts()
        self._vectors: dict[str, np.ndarray] = {}
        self._chunk_owner = np.zeros(0, dtype=np.int64)
        self._bm25: dict[str, BM25Index] = {}
        self._index()

    @property
    def item_ids(self) -> list[str]:
        """Item ids in column order."""
        return [item.item_id for item in self.items]

    def item_vectors(self, signal: str) -> np.ndarray:
        """The items' unit vectors of one dense signal (``dense_title`` or ``dense_text``), in item order.

        Raises:
            KeyError: If the matcher was built without that signal.
        """
        if signal not in ("dense_title", "dense_text") or signal not in self._vectors:
            raise KeyError(f"the matcher has no per-item vectors for {signal!r} (signals: {self.config.signals})")
        return self._vectors[signal]

    def _embed(self, texts: Sequence[str]) -> tuple[np.ndarray, EmbeddingCounts]:
        assert self.embedder is not None
        if self.cache is not None:
            cached = self.cache.embed(self.embedder, texts)
            return cached.vectors, EmbeddingCounts(cached.embedded, cached.reused)
        unique = list(dict.fromkeys(texts))
        vectors = self.embedder.embed(unique) if unique else np.zeros((0, self.embedder.dim), np.float32)
        position = {text: i for i, text in enumerate(unique)}
        return vectors[[position[t] for t in texts]], EmbeddingCounts(len(unique), 0)

    def _prepared(self) -> list[BacklogItem]:
        """The items as they are indexed: glossed when the config says so (ids and order unchanged)."""
        if not self.config.gloss:
            return list(self.items)
        gloss = gloss_engineering_terms
        return [BacklogItem(item.item_id, gloss(item.title), gloss(item.description), item.labels, item.components)
                for item in self.items]

    def _index(self) -> None:
        signals = set(self.config.signals)
        items = self._prepared()
        titles = [item.title or item.description[:200] for item in items]
        groups: dict[str, list[str]] = {}
        if "dense_title" in signals:
            groups["dense_title"] = titles
        if "dense_text" in signals:
            groups["dense_text"] = [item.text for item in items]
        if "dense_chunks" in signals:
            chunks, owner = [], []
            for i, (item, title) in enumerate(zip(items, titles, strict=True)):
                parts = chunk_words(item.description, words=self.config.chunk_words)[: self.config.max_chunks]
                for part in parts or [""]:
                    chunks.append(f"{title}\n{part}".strip())
                    owner.append(i)
            groups["dense_chunks"] = chunks
            self._chunk_owner = np.asarray(owner, dtype=np.int64)
        if groups:
            every = [text for texts in groups.values() for text in texts]
            vectors, self.item_counts = self._embed(every)
            start = 0
            for name, texts in groups.items():
                self._vectors[name] = vectors[start : start + len(texts)]
                start += len(texts)
            log.info(f"backlog embeddings: {self.item_counts.embedded} embedded, {self.item_counts.reused} cached")
        lexical = {"bm25_text": [item.text for item in items], "bm25_title": titles}
        for name in signals & set(lexical):
            self._bm25[name] = BM25Index(lexical[name], self.config.bm25,
                                         split_identifiers=self.config.split_identifiers,
                                         stemming=self.config.stemming)

    def embed_queries(self, queries: Sequence[str]) -> np.ndarray:
        """Query vectors from the matcher's embedder (and cache); counted in ``query_counts``."""
        vectors, counts = self._embed(queries)
        self.query_counts = EmbeddingCounts(self.query_counts.embedded + counts.embedded,
                                            self.query_counts.reused + counts.reused)
        return vectors

    def signal_scores(self, queries: Sequence[str] | None = None,
                      query_vectors: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Each configured signal's ``(n_queries, n_items)`` score matrix.

        Args:
            queries: Query texts (needed by BM25, and embedded when ``query_vectors`` is None).
            query_vectors: Unit query vectors from the same embedder (e.g. theme centroids).

        Returns:
            Signal name to score matrix, in the configured order.

        Raises:
            ValueError: If neither queries nor vectors are given, their counts differ, or a BM25
                signal is configured without query texts.
        """
        if queries is None and query_vectors is None:
            raise ValueError("give query texts, query vectors, or both")
        if queries is not None and query_vectors is not None and len(queries) != len(query_vectors):
            raise ValueError(f"{len(queries)} query texts but {len(query_vectors)} query vectors")
        if self.config.dense and query_vectors is None:
            assert queries is not None
            query_vectors = self.embed_queries(queries)
        out: dict[str, np.ndarray] = {}
        for name in self.config.signals:
            if name in ("dense_title", "dense_text"):
                out[name] = np.asarray(query_vectors, dtype=np.float32) @ self._vectors[name].T
            elif name == "dense_chunks":
                per_chunk = np.asarray(query_vectors, dtype=np.float32) @ self._vectors[name].T
                starts = np.flatnonzero(np.r_[True, self._chunk_owner[1:] != self._chunk_owner[:-1]])
                out[name] = np.maximum.reduceat(per_chunk, starts, axis=1)  # chunks of an item are adjacent
            else:
                if queries is None:
                    raise ValueError(f"signal {name} needs query texts, not only vectors")
                out[name] = self._bm25[name].scores(queries)
        return out

    def scores(self, queries: Sequence[str] | None = None, query_vectors: np.ndarray | None = None) -> np.ndarray:
        """Fused ``(n_queries, n_items)`` scores: the signal itself when there is one, else RRF."""
        per_signal = self.signal_scores(queries, query_vectors)
        if len(per_signal) == 1:
            return next(iter(per_signal.values())).astype(np.float64)
        return reciprocal_rank_fusion(list(per_signal.values()), k=self.config.rrf_k)

    def match(self, queries: Sequence[str] | None = None, k: int = 10,
              query_vectors: np.ndarray | None = None) -> list[list[Match]]:
        """The ``k`` best items of each query, best first.

        Args:
            queries: Query texts.
            k: Items per query (at most the number of items).
            query_vectors: Precomputed unit query vectors (instead of, or with, ``queries``).

        Returns:
            One list of :class:`Match` per query, ranks 1..k.
        """
        per_signal = self.signal_scores(queries, query_vectors)
        first = next(iter(per_signal.values())).astype(np.float64)
        fused = first if len(per_signal) == 1 else reciprocal_rank_fusion(list(per_signal.values()),
                                                                          k=self.config.rrf_k)
        indices, values = top_k(fused, k, tie_break=first)
        ids = self.item_ids
        return [
            [Match(query_index=q, item_id=ids[j], rank=r + 1, score=float(v))
             for r, (j, v) in enumerate(zip(row_idx, row_val, strict=True))]
            for q, (row_idx, row_val) in enumerate(zip(indices, values, strict=True))
        ]
