"""The ``topics`` schema: every table the theme and link steps write, created in one place.

dbt reads these tables as sources; they are created empty before the first fit so that dbt can
build before any theme exists. Callers pass an open DuckDB connection (the warehouse); nothing
here opens one.
"""

from __future__ import annotations

import duckdb

SCHEMA_DDL: tuple[str, ...] = (
    "CREATE SCHEMA IF NOT EXISTS topics",
    """CREATE TABLE IF NOT EXISTS topics.themes (
  theme_id VARCHAR, label VARCHAR, human_name VARCHAR, keywords VARCHAR, representative_ticket_ids VARCHAR,
  size BIGINT, is_ignored BOOLEAN, model_version VARCHAR, created_at TIMESTAMP, updated_at TIMESTAMP,
  centroid FLOAT[], is_retired BOOLEAN, embed_model_id VARCHAR
)""",
    # Warehouses created before themes recorded the vectors their centroids live in.
    "ALTER TABLE topics.themes ADD COLUMN IF NOT EXISTS embed_model_id VARCHAR",
    # 'theme', or 'low_information' for the bucket of texts no theme is made of (topics.lowinfo).
    "ALTER TABLE topics.themes ADD COLUMN IF NOT EXISTS theme_kind VARCHAR DEFAULT 'theme'",
    """CREATE TABLE IF NOT EXISTS topics.ticket_themes (
  ticket_id VARCHAR, theme_id VARCHAR, probability DOUBLE, model_version VARCHAR, assigned_by VARCHAR,
  assigned_at TIMESTAMP
)""",
    """CREATE TABLE IF NOT EXISTS topics.theme_lineage (
  model_version VARCHAR, event VARCHAR, from_theme_id VARCHAR, to_theme_id VARCHAR, similarity DOUBLE,
  recorded_at TIMESTAMP
)""",
    """CREATE TABLE IF NOT EXISTS topics.ticket_languages (
  ticket_id VARCHAR, language VARCHAR, confidence DOUBLE
)""",
    """CREATE TABLE IF NOT EXISTS topics.theme_item_candidates (
  theme_id VARCHAR, item_id VARCHAR, similarity DOUBLE, similarity_rank INTEGER, theme_agreement DOUBLE,
  model_id VARCHAR, computed_at TIMESTAMP
)""",
    """CREATE TABLE IF NOT EXISTS topics.item_neighbours (
  item_id VARCHAR, neighbour_id VARCHAR, similarity DOUBLE, similarity_rank INTEGER, model_id VARCHAR,
  computed_at TIMESTAMP
)""",
    # One row per refit that followed daily assignments: how many of the tickets assigned daily since the
    # previous fit kept their theme (or stayed without one) in the refit.
    """CREATE TABLE IF NOT EXISTS topics.assignment_agreement (
  model_version VARCHAR, measured_at TIMESTAMP, assigned_tickets BIGINT, agreeing_tickets BIGINT,
  agreement_share DOUBLE
)""",
    """CREATE TABLE IF NOT EXISTS topics.theme_edits (
  edit_id INTEGER PRIMARY KEY, action VARCHAR NOT NULL, theme_id INTEGER NOT NULL, name VARCHAR,
  into_theme_id INTEGER, pattern VARCHAR, created_at TIMESTAMP DEFAULT current_timestamp
)""",
    # A split-off edit may list the tickets it moves (a JSON array of ticket ids) instead of a pattern.
    "ALTER TABLE topics.theme_edits ADD COLUMN IF NOT EXISTS ticket_ids VARCHAR",
    # Top-level themes (topics.taxonomy): one row per group id ever issued, latest state; member themes
    # point to theirs through topics.themes.parent_group_id (null for the low-information bucket).
    """CREATE TABLE IF NOT EXISTS topics.theme_groups (
  group_id VARCHAR, label VARCHAR, size BIGINT, member_theme_ids VARCHAR, centroid FLOAT[], model_version VARCHAR,
  created_at TIMESTAMP, updated_at TIMESTAMP, is_retired BOOLEAN
)""",
    "ALTER TABLE topics.themes ADD COLUMN IF NOT EXISTS parent_group_id VARCHAR",
)
"""Statements that create the schema and its tables (idempotent)."""

CACHE_DDL: tuple[str, ...] = (
    "CREATE SCHEMA IF NOT EXISTS topics",
    """CREATE TABLE IF NOT EXISTS topics.embedding_cache (
  text_hash VARCHAR NOT NULL, model_id VARCHAR NOT NULL, dim INTEGER NOT NULL, vector FLOAT[] NOT NULL,
  created_at TIMESTAMP DEFAULT current_timestamp, PRIMARY KEY (text_hash, model_id)
)""",
)
"""The embedding cache, which also lives alone in the command-line tools' cache file."""


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ``topics`` schema with every table the pipeline writes, when missing."""
    for statement in (*SCHEMA_DDL, *CACHE_DDL):
        con.execute(statement)


def ensure_cache_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create only ``topics.embedding_cache`` (a cache file holds nothing else)."""
    for statement in CACHE_DDL:
        con.execute(statement)


def theme_key(theme_id: int) -> str:
    """The warehouse id of a theme (``T0007``)."""
    return f"T{theme_id:04d}"


def theme_int(key: str) -> int:
    """The theme id of a warehouse id (``T0007`` -> 7)."""
    return int(key.lstrip("T"))


def group_key(group_id: int) -> str:
    """The warehouse id of a top-level theme group (``G0003``)."""
    return f"G{group_id:04d}"
