"""Semantic candidates between themes and items, and between items (``topics.item_neighbours``).

The pipeline step behind the ``topics_theme_item_candidates`` and ``topics_item_neighbours``
assets. The caller passes an open warehouse connection and the backlog items' redacted text; this
module reads the current themes (``topics.themes``: centroid and keywords), scores the items with
:mod:`topics.link` (the same matcher as ``closedloop link``), and replaces the candidate table. It
also writes each item's most similar other items, from which dbt learns whether an item reads
like an explicit fix of a theme. Backlog embeddings go through the embedding cache, so a run with
an unchanged backlog embeds nothing.

dbt combines these candidates with explicit references, temporal evidence and human review
(``int_theme_backlog_links_scored``); this module decides nothing on its own.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from topics.embed import Embedder, EmbeddingCache, make_embedder
from topics.link.config import MatchConfig, Signal, link_embed_config
from topics.link.matcher import BacklogItem, Matcher
from topics.link.themes import ThemeProfile, candidate_links, item_neighbours
from topics.store import ensure_schema

log = logging.getLogger("closedloop.links")

ItemText = tuple[str, str | None, str | None]
"""``(item_id, summary, description)`` of one backlog item, redacted."""

SIGNALS: tuple[Signal, ...] = ("dense_title", "dense_text", "dense_chunks")
"""Title, whole text and best description chunk: an engineer's summary, the write-up, and the
paragraph that names the symptom (measured on demo truth: see bench/link_calibration.py)."""
TOP_K = 5
MIN_SIMILARITY = 0.2
NEIGHBOURS = 10
"""Most similar other items kept per item (``topics.item_neighbours``)."""
MIN_NEIGHBOUR_SIMILARITY = 0.3
# The backlog is embedded in float32, not int8 as ``closedloop link`` does: an int8 vector depends
# on the texts batched with it (cosine down to 0.93 on the VLC titles), so a new item embedded alone
# in a daily run would not get the vector a full run gives it, and link confidence is calibrated on
# these vectors. Float32 costs 3-7 s for a 302-item demo backlog (int8: under 2 s).


@dataclass
class CandidateReport:
    """What one run wrote.

    Attributes:
        themes: Themes scored.
        items: Backlog items scored.
        candidates: Rows written.
        neighbours: Item-to-item rows written.
        embedded: Texts embedded (0 when everything came from the cache).
        from_cache: Texts read from the embedding cache.
        seconds: Wall time.
    """

    themes: int = 0
    items: int = 0
    candidates: int = 0
    neighbours: int = 0
    embedded: int = 0
    from_cache: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """One log line."""
        return (f"theme-item candidates: {self.candidates:,} for {self.items:,} items x {self.themes:,} themes, "
                f"{self.neighbours:,} item neighbours, {self.embedded:,} texts embedded, {self.seconds:.1f}s")


_CAMEL = re.compile(r"(?<=[a-z]{2})(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def split_code_words(text: str) -> str:
    """Spell code identifiers as words: ``WalletFragment.onResume`` -> ``Wallet Fragment on Resume``.

    Engineers name classes and methods where users name symptoms; MiniLM reads split words far
    better (measured: the right theme ranks first for 17 of 20 engineering-only demo items,
    against 13 unsplit).
    """
    words = []
    for token in text.split(" "):
        if any(c.isupper() for c in token[1:]) or "_" in token or re.search(r"[a-zA-Z]{2}\.[a-zA-Z]{2}", token):
            token = _CAMEL.sub(" ", token.replace("_", " "))
            token = re.sub(r"(?<=[a-zA-Z]{2})\.(?=[a-zA-Z]{2})", " ", token)
        words.append(token)
    return " ".join(words)


def _table(rows: Sequence[Any], fields: dict[str, tuple[str, pa.DataType]],
           constants: dict[str, tuple[object, pa.DataType]]) -> pa.Table:
    """Arrow table of ``rows``: column ``name`` from attribute ``attr`` of each row, plus constant columns."""
    columns = {name: pa.array([getattr(r, attr) for r in rows], kind) for name, (attr, kind) in fields.items()}
    columns |= {name: pa.array([value] * len(rows), kind) for name, (value, kind) in constants.items()}
    return pa.table(columns)


def update_theme_item_candidates(con: duckdb.DuckDBPyConnection, items: Sequence[ItemText], *,
                                 embedder: Embedder | None = None, cache: EmbeddingCache | None = None,
                                 progress: Callable[[str], None] | None = None) -> CandidateReport:
    """Recompute ``topics.theme_item_candidates`` and ``topics.item_neighbours``.

    Args:
        con: Open warehouse connection; the ``topics`` schema is created when missing.
        items: Backlog items to score (containers such as epics already left out), redacted.
        embedder: The embedding backend; None means the packaged MiniLM with the link settings
            (:func:`topics.link.config.link_embed_config`, float32).
        cache: Embedding cache; None means the warehouse's own (``topics.embedding_cache``).
        progress: Called with log lines.
    """
    say = progress or log.info
    started = time.perf_counter()
    ensure_schema(con)
    report = CandidateReport()
    themes = [ThemeProfile(r[0], np.asarray(r[1], dtype=np.float32), r[2] or "") for r in con.execute(
        "SELECT theme_id, centroid, keywords FROM topics.themes "
        "WHERE NOT coalesce(is_retired, false) AND NOT coalesce(is_ignored, false) AND centroid IS NOT NULL "
        "ORDER BY theme_id").fetchall()]
    backlog = [BacklogItem(i, split_code_words(s or ""), split_code_words(d or "")) for i, s, d in items]
    report.themes, report.items = len(themes), len(backlog)
    rows: list[Any] = []
    neighbours: list[Any] = []
    model_id = ""
    if backlog:
        matcher = Matcher(backlog, MatchConfig(signals=SIGNALS),
                          embedder=embedder or make_embedder(link_embed_config(), threads=1),
                          cache=cache or EmbeddingCache(con))
        neighbours = item_neighbours(matcher, top_k=NEIGHBOURS, min_similarity=MIN_NEIGHBOUR_SIMILARITY)
        if themes:
            rows = candidate_links(matcher, themes, top_k=TOP_K, min_similarity=MIN_SIMILARITY)
        report.embedded = matcher.item_counts.embedded + matcher.query_counts.embedded
        report.from_cache = matcher.item_counts.reused + matcher.query_counts.reused
        model_id = matcher.embedder.model_id if matcher.embedder else ""
    _replace_candidates(con, rows, neighbours, model_id)
    report.candidates, report.neighbours = len(rows), len(neighbours)
    report.seconds = time.perf_counter() - started
    say(report.summary())
    return report


def _replace_candidates(con: duckdb.DuckDBPyConnection, rows: Sequence[Any], neighbours: Sequence[Any],
                        model_id: str) -> None:
    """Replace both tables' rows in one transaction."""
    now = datetime.now(UTC).replace(tzinfo=None)
    stamp = {"model_id": (model_id, pa.string()), "computed_at": (now, pa.timestamp("us"))}
    table = _table(rows, {"theme_id": ("theme_id", pa.string()), "item_id": ("item_id", pa.string()),
                          "similarity": ("similarity", pa.float64()), "similarity_rank": ("rank", pa.int32()),
                          "theme_agreement": ("agreement", pa.float64())}, stamp)
    neighbour_table = _table(neighbours, {"item_id": ("item_id", pa.string()),
                                          "neighbour_id": ("neighbour_id", pa.string()),
                                          "similarity": ("similarity", pa.float64()),
                                          "similarity_rank": ("rank", pa.int32())}, stamp)
    con.execute("BEGIN")
    for name, data in (("theme_item_candidates", table), ("item_neighbours", neighbour_table)):
        con.execute(f"DELETE FROM topics.{name}")
        con.register("new_rows", data)
        con.execute(f"INSERT INTO topics.{name} BY NAME SELECT * FROM new_rows")
        con.unregister("new_rows")
    con.execute("COMMIT")
