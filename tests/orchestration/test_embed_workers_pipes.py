"""The theme asset embedding in worker processes under Dagster Pipes (``CLOSEDLOOP_EMBED_WORKERS``).

The real ``ticket_themes`` asset is materialized in-process on a small DuckDB warehouse; its two
embedding workers are real ``python -m orchestration.embed_worker`` processes with the packaged model.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from closedloop.core.settings import load_settings
from closedloop.ingest import open_warehouse
from orchestration.defs.topics.assets import ticket_themes
from orchestration.resources import ClosedloopResource
from topics.store import ensure_schema

SUBJECTS = ("withdrawal stuck for {n} hours, where is my money", "KYC verification rejected, passport {n}",
            "the app crashes when I open the wallet, version {n}")


def _warehouse(tmp_path: Path, per_subject: int) -> Path:
    warehouse = tmp_path / "wh.duckdb"
    con = open_warehouse(warehouse)
    ensure_schema(con)
    try:
        for s, template in enumerate(SUBJECTS):
            for k in range(per_subject):
                text = template.format(n=100 + k)
                con.execute("INSERT INTO raw.tickets (ticket_id, created_at, updated_at, subject, body, "
                            "subject_redacted, body_redacted, status, channel) VALUES "
                            "(?, TIMESTAMP '2024-03-01', TIMESTAMP '2024-03-02', ?, ?, ?, ?, 'solved', 'chat')",
                            [str(s * 1000 + k), text, text, text, text])
    finally:
        con.close()
    return warehouse


def test_the_theme_asset_embeds_in_two_pipes_workers_whose_lines_reach_the_run_log(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CLOSEDLOOP_EMBED_WORKERS", "2")
    monkeypatch.setenv("CLOSEDLOOP_EMBED_WORKER_BATCH", "8")
    warehouse = _warehouse(tmp_path, 12)
    resource = ClosedloopResource(warehouse=str(warehouse), data_dir=str(tmp_path))
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize([ticket_themes], resources={"closedloop": resource}, instance=instance)
        assert result.success
        lines = [e.user_message for e in instance.all_logs(result.run_id)]
    metadata = next(m.materialization.metadata for m in result.get_asset_materialization_events()
                    if m.asset_key == dg.AssetKey("topics_ticket_themes"))
    assert metadata["embedded"].value == 36
    assert metadata["tickets"].value == 36
    # Each worker ran in its own Pipes session: its own lines are in the run's log.
    for worker in ("0", "1"):
        assert any(f"embedding worker {worker} (pid" in line and "committed" in line for line in lines), lines
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from topics.ticket_themes").fetchone() == (36,)
        assert con.execute("select count(*) from topics.embedding_cache").fetchone()[0] >= 36
    assert list(load_settings().cache.joinpath("embed-workers").glob("spool-*")) == []  # moved into the cache
