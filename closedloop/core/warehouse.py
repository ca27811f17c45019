"""The one door to the warehouse from Python: connections, and the reads every step shares.

Each step owns the schema it writes: ingest the ``raw`` tables (``closedloop.ingest.schema``), the
theme and link steps the ``topics`` tables (``topics.store``), dbt everything else. A connection
made here creates nothing. What counts as a resolved ticket and which backlog items are
containers is defined once, as dbt variables in ``dbt_project/dbt_project.yml``; the Python steps
read the same lists from there.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import duckdb
import yaml

from closedloop.core.settings import DBT_PROJECT_DIR, load_settings

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
