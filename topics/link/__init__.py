"""Links between feedback (tickets, reviews, themes) and backlog items.

``Matcher`` scores query texts or vectors against backlog items with configurable signals (dense
title/text/chunk similarity, BM25 over identifier-split terms) fused by reciprocal rank fusion.
Embeddings of items are cached in DuckDB by (sha256 of normalized text, model id).
"""

from topics.link.cache import CachedVectors, EmbeddingCache
from topics.link.config import SIGNALS, MatchConfig, Signal
from topics.link.embedding import EmbedderConfig, MiniLMEmbedder, ModelNotFoundError, TextEmbedder
from topics.link.evaluate import recall_at_k
from topics.link.lexical import BM25Index, BM25Params
from topics.link.matcher import BacklogItem, EmbeddingCounts, Match, Matcher
from topics.link.text import split_identifier, tokenize

__all__ = [
    "SIGNALS",
    "BM25Index",
    "BM25Params",
    "BacklogItem",
    "CachedVectors",
    "EmbedderConfig",
    "EmbeddingCache",
    "EmbeddingCounts",
    "Match",
    "MatchConfig",
    "Matcher",
    "MiniLMEmbedder",
    "ModelNotFoundError",
    "Signal",
    "TextEmbedder",
    "recall_at_k",
    "split_identifier",
    "tokenize",
]
