"""Links between feedback (tickets, reviews, themes) and backlog items.

``Matcher`` scores query texts or vectors against backlog items with configurable signals (dense
title/text/chunk similarity, BM25 over identifier-split terms) fused by reciprocal rank fusion.
Embeddings come from the one stack of :mod:`topics.embed` (backends and cache).
"""

from topics.link.config import SIGNALS, MatchConfig, Signal, link_embed_config
from topics.link.evaluate import recall_at_k
from topics.link.lexical import BM25Index, BM25Params
from topics.link.matcher import BacklogItem, EmbeddingCounts, Match, Matcher
from topics.link.text import split_identifier, tokenize

__all__ = [
    "SIGNALS",
    "BM25Index",
    "BM25Params",
    "BacklogItem",
    "EmbeddingCounts",
    "Match",
    "MatchConfig",
    "Matcher",
    "Signal",
    "link_embed_config",
    "recall_at_k",
    "split_identifier",
    "tokenize",
]
