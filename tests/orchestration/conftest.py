"""Fixtures of the orchestration tests: small real DuckDB warehouses, the theme asset run in-process."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
import pytest


@pytest.fixture
def ticket_warehouse(tmp_path: Path) -> Callable[[Sequence[str]], Path]:
    """Make ``tmp_path/wh.duckdb`` whose raw tickets are solved chat tickets with ``texts`` as subjects.

    Ticket ids are the texts' positions (``0000``, ``0001``, ...); no bodies. Returns the file.
    """
    from closedloop.ingest import open_warehouse
    from topics.store import ensure_schema

    def make(texts: Sequence[str]) -> Path:
        path = tmp_path / "wh.duckdb"
        con = open_warehouse(path)
        ensure_schema(con)
        try:
            for k, text in enumerate(texts):
                con.execute("INSERT INTO raw.tickets (ticket_id, created_at, updated_at, subject, body, "
                            "subject_redacted, body_redacted, status, channel) VALUES "
                            "(?, TIMESTAMP '2024-03-01', TIMESTAMP '2024-03-02', ?, NULL, ?, NULL, 'solved', 'chat')",
                            [f"{k:04d}", text, text])
        finally:
            con.close()
        return path

    return make


ThemeRun = Callable[[dg.DagsterInstance, Any], tuple[dg.ExecuteInProcessResult, list[str]]]


@pytest.fixture
def materialize_themes() -> ThemeRun:
    """Run the real ``ticket_themes`` asset on an instance with a ``ClosedloopResource``; failures are returned.

    Returns the run's result and its log lines.
    """
    from orchestration.defs.topics.assets import ticket_themes

    def run(instance: dg.DagsterInstance, resource: Any) -> tuple[dg.ExecuteInProcessResult, list[str]]:
        result = dg.materialize([ticket_themes], resources={"closedloop": resource}, instance=instance,
                                raise_on_error=False)
        return result, [e.user_message for e in instance.all_logs(result.run_id)]

    return run
