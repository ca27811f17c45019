"""The one door to the warehouse from Python: connections, and the reads every step shares.

Each step owns the schema it writes: ingest the ``raw`` tables (``closedloop.ingest.schema``), the
theme and link steps the ``topics`` tables (``topics.store``), dbt everything else. A connection
made here creates nothing. What counts as a resolved ticket and which backlog items are
containers is defined once, as dbt variables in ``dbt_project/dbt_project.yml``; the Python steps
read the same lists from there.

With ``$CLOSEDLOOP_WAREHOUSE_URL`` set, the warehouse dbt builds is a shared PostgreSQL database
(``closedloop.core.pg``): the Python steps still work on the local DuckDB file, then
:func:`publish_tables` copies the tables they own there, and :func:`mirror_tables` copies the
marts dbt built back into the local file, which every reader (checks, alerts, the summary, the
serving copy) keeps reading. Without the variable none of this runs and nothing of PostgreSQL is
imported.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import yaml

from closedloop.core.settings import DBT_PROJECT_DIR, load_settings

if TYPE_CHECKING:
    from closedloop.core.pg import PgTarget

#: Settings that belong to a connection, not to the database (timestamps are read and written in UTC).
SESSION_SETTINGS = "SET TimeZone = 'UTC'"


def connect(warehouse: Path, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for writing, with UTC session time and a memory cap.

    The cap is ``$CLOSEDLOOP_DUCKDB_MEMORY_LIMIT`` (default 1GB); DuckDB spills beyond it.
    """
    memory_limit = memory_limit or load_settings().duckdb_memory_limit
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse))
    con.execute(SESSION_SETTINGS)
    con.execute(f"SET memory_limit = '{memory_limit}'")
    # Batches commit one by one; checkpoint once per entity instead of after every batch.
    con.execute("SET checkpoint_threshold = '4GB'")
    return con


def connect_read_only(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only (checks, the summary, reports), with UTC session time."""
    con = duckdb.connect(str(warehouse), read_only=True)
    con.execute(SESSION_SETTINGS)
    return con


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A second connection to the same warehouse, with the session settings of :func:`connect`."""
    second = con.cursor()
    second.execute(SESSION_SETTINGS)
    return second


@functools.cache
def project_vars() -> dict[str, Any]:
    """The ``vars`` of ``dbt_project/dbt_project.yml``: the definitions dbt and Python share."""
    with (DBT_PROJECT_DIR / "dbt_project.yml").open(encoding="utf-8") as handle:
        project = yaml.safe_load(handle)
    return dict(project.get("vars") or {})


def resolved_statuses() -> tuple[str, ...]:
    """Ticket statuses that count as resolved (dbt variable ``resolved_statuses``)."""
    return tuple(project_vars()["resolved_statuses"])


def container_item_types() -> tuple[str, ...]:
    """Backlog item types that hold work rather than being it (dbt variable ``container_item_types``)."""
    return tuple(project_vars()["container_item_types"])


def resolved_ticket_texts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None, str | None]]:
    """``(ticket_id, subject, body)`` of every resolved ticket, redacted text only, by ticket id."""
    return [(r[0], r[1], r[2]) for r in con.execute(
        "SELECT ticket_id, subject_redacted, body_redacted FROM raw.tickets "
        "WHERE status IN (SELECT unnest(?)) ORDER BY ticket_id", [list(resolved_statuses())]).fetchall()]


def backlog_item_texts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None, str | None]]:
    """``(item_id, summary, description)`` of every backlog item that is not a container, redacted."""
    return [(r[0], r[1], r[2]) for r in con.execute(
        "SELECT item_id, summary_redacted, description_redacted FROM raw.backlog_items "
        "WHERE item_type IS NULL OR lower(item_type) NOT IN (SELECT unnest(?)) ORDER BY item_id",
        [list(container_item_types())]).fetchall()]


def shared_warehouse() -> PgTarget | None:
    """The shared PostgreSQL warehouse (``$CLOSEDLOOP_WAREHOUSE_URL``), or None: the DuckDB file is the warehouse.

    Raises:
        ClosedloopError: The URL is malformed.
    """
    if not os.environ.get("CLOSEDLOOP_WAREHOUSE_URL", "").strip():
        return None
    from closedloop.core.pg import target_from_env

    return target_from_env()


def schema_tables(con: duckdb.DuckDBPyConnection, schemas: Sequence[str]) -> list[str]:
    """``schema.table`` of every base table of the given schemas in the DuckDB warehouse."""
    return [f"{r[0]}.{r[1]}" for r in con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
        "AND table_catalog = current_database() AND table_schema IN (SELECT unnest(?)) "
        "ORDER BY table_schema, table_name", [list(schemas)]).fetchall()]


def publish_tables(con: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> dict[str, int]:
    """After a Python step: copy the tables it wrote to the shared warehouse (nothing without one).

    Returns:
        Rows copied per table (empty on the DuckDB warehouse).
    """
    target = shared_warehouse()
    if target is None:
        return {}
    from closedloop.core.pg import push_tables

    return push_tables(con, target, tables)


def mirror_tables(warehouse: Path, schemas: Sequence[str], replace: bool = True) -> dict[str, int]:
    """Copy the shared warehouse's tables of ``schemas`` into the local DuckDB file (nothing without one).

    Args:
        warehouse: The local DuckDB file.
        schemas: Schemas to copy (``marts`` after a build; the Python steps' own on a fresh machine).
        replace: Recreate each table with PostgreSQL's columns; otherwise tables the steps' own DDL
            created keep their keys and defaults and get the rows.

    Returns:
        Rows copied per table.
    """
    target = shared_warehouse()
    if target is None:
        return {}
    from closedloop.core.pg import pg_tables, pull_tables

    copied: dict[str, int] = {}
    with connect(warehouse) as con:
        for schema in schemas:
            copied |= pull_tables(con, target, pg_tables(target, schema), replace=replace)
    return copied


def table_fingerprints(con: duckdb.DuckDBPyConnection, schema: str, places: int = 6) -> dict[str, tuple[int, str]]:
    r"""Rows and an md5 of the content of every table of ``schema``, comparable across engines.

    Each row is written as text (numbers of floating type rounded to ``places`` decimals, so the
    last bits of a sum do not count; null as ``\\N``), the rows sorted, and the whole hashed.
    """
    out: dict[str, tuple[int, str]] = {}
    for table in schema_tables(con, [schema]):
        name = table.split(".", 1)[1]
        columns = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ? "
            "AND table_name = ? AND table_catalog = current_database() ORDER BY ordinal_position",
            [schema, name]).fetchall()
        texts = [f"coalesce(cast(round(\"{c}\", {places}) + 0.0 as varchar), '\\N')"
                 if t in ("DOUBLE", "FLOAT") or t.startswith("DECIMAL")
                 else f"coalesce(cast(\"{c}\" as varchar), '\\N')" for c, t in columns]
        row = con.execute(f"WITH r AS (SELECT concat_ws('|', {', '.join(texts)}) AS line "
                          f"FROM \"{schema}\".\"{name}\") "
                          "SELECT count(*), coalesce(md5(string_agg(line, chr(10) ORDER BY line)), '') "
                          "FROM r").fetchone()
        out[name] = (int(row[0]), str(row[1])) if row else (0, "")
    return out
