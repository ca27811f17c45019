"""Configuration of the matcher: which signals score a (query, item) pair and how they are fused.

The defaults were chosen by measurement on three real pair sets: app-store reviews against the VLC
tracker, and duplicate reports against the Apache YARN and ActiveMQ trackers
(``bench/link_retrieval.py``, numbers in ``topics/link/README.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from topics.config import EmbedConfig
from topics.link.lexical import BM25Params

Signal = Literal["dense_title", "dense_text", "dense_chunks", "bm25_text", "bm25_title"]
"""One way of scoring a query against an item.

- ``dense_title``: cosine of the query and the item's title (summary) embeddings.
- ``dense_text``: cosine of the query and the whole item text (title and description, truncated
  at the embedder's token limit); with ``dense_text`` alone this is the plain-MiniLM baseline.
- ``dense_chunks``: highest cosine of the query and any chunk of the description (each chunk
  prefixed with the title), so the relevant paragraph of a long description counts.
- ``bm25_text`` / ``bm25_title``: Okapi BM25 over identifier-split, stemmed terms of the whole
  text or of the title.
"""

SIGNALS: tuple[str, ...] = ("dense_title", "dense_text", "dense_chunks", "bm25_text", "bm25_title")


@dataclass(frozen=True)
class MatchConfig:
    """How the matcher scores queries (reviews, tickets, themes) against backlog items.

    Attributes:
        signals: Scoring signals; with several, their rankings are fused by reciprocal rank fusion.
            Default: the title's vector and BM25 over title and body (the body counts through its
            words, so a 5,000-item backlog embeds only titles and stays fast when cold).
        rrf_k: The RRF constant. 5, not Cormack et al.'s 60: with two signals a small ``k`` lets an
            item that one signal ranks first beat items both signals rank middling (chosen with
            leave-one-set-out over the pair sets; ``bench/link_retrieval.py``).
        chunk_words: Words per description chunk for ``dense_chunks``.
        max_chunks: Chunks per item at most (the rest of a very long description is ignored).
        split_identifiers: Split CamelCase, snake_case and dotted names for BM25.
        stemming: Fold inflections for BM25.
        gloss: Add the user's word after engineers' jargon for a crash or a freeze in item texts
            (``NPE`` -> ``NPE (crash)``; :func:`topics.link.text.gloss_engineering_terms`).
        bm25: BM25 parameters.
    """

    signals: tuple[Signal, ...] = ("dense_title", "bm25_text")
    rrf_k: int = 5
    chunk_words: int = 60
    max_chunks: int = 6
    split_identifiers: bool = True
    stemming: bool = True
    gloss: bool = True
    bm25: BM25Params = field(default_factory=BM25Params)

    def __post_init__(self) -> None:
        """Reject unknown or missing signals early."""
        if not self.signals:
            raise ValueError("MatchConfig.signals must name at least one signal")
        unknown = [s for s in self.signals if s not in SIGNALS]
        if unknown:
            raise ValueError(f"unknown signal(s) {unknown}; choose from {list(SIGNALS)}")
        if self.rrf_k < 1 or self.chunk_words < 1 or self.max_chunks < 1:
            raise ValueError("rrf_k, chunk_words and max_chunks must be positive")

    @property
    def dense(self) -> bool:
        """Whether any signal needs embeddings."""
        return any(s.startswith("dense_") for s in self.signals)

    @property
    def lexical(self) -> bool:
        """Whether any signal needs query text (BM25)."""
        return any(s.startswith("bm25_") for s in self.signals)


def link_embed_config(quantize: bool = False) -> EmbedConfig:
    """The embedding settings links are scored with (the calibrated link confidence assumes them).

    The model's own pooling over up to 256 tokens, so a long item description counts; ``quantize``
    takes torch's dynamic int8 (about 2x faster on CPU, but a text's vector then depends a little
    on the texts batched with it, so the pipeline keeps float32).
    """
    return EmbedConfig(max_seq_length=256, pooling="model", backend="torch-int8" if quantize else "torch")
