"""The whole pipeline on a shared PostgreSQL warehouse (``make test-postgres``).

One demo (1,500 tickets, seed 42, plus a ticket line that must be quarantined) runs with
``CLOSEDLOOP_WAREHOUSE_URL`` against the real server ``make test-postgres`` starts: ingest,
themes, links, ``dbt build`` on PostgreSQL, the serving copy. The same raw and topics tables are
then built by dbt on DuckDB, and the marts compared table by table.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest

from closedloop.core.pg import PgTarget, pg_tables, pull_tables, target_from_env
from closedloop.core.settings import DBT_PROJECT_DIR
from closedloop.core.warehouse import table_fingerprints

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

BAD_TICKET = {"id": None, "subject": "a ticket line without an id", "status": "solved"}


@pytest.fixture(scope="module")
def pg_demo(tmp_path_factory: pytest.TempPathFactory, pg_server_url: str,
            run_closedloop: Callable[..., subprocess.CompletedProcess[str]]) -> dict[str, Any]:
    """One demo run on a fresh PostgreSQL database: its home, data folder, URL and finished process."""
    root = tmp_path_factory.mktemp("pg_demo")
    home, data = root / "state", root / "demo"
    generated = run_closedloop("demo-data", "--out", str(data), "--tickets", "1500", "--seed", "42", home=home)
    assert generated.returncode == 0, generated.stderr
    with (data / "zendesk" / "tickets.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(BAD_TICKET) + "\n")
    name = f"closedloop_demo_{os.getpid()}"
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        admin.execute(f'drop database if exists "{name}" with (force)')
        admin.execute(f'create database "{name}"')
    url = pg_server_url.rsplit("/", 1)[0] + "/" + name
    run = run_closedloop("run", "--data", str(data), home=home, env={"CLOSEDLOOP_WAREHOUSE_URL": url})
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return {"home": home, "data": data, "url": url, "run": run}


def _target(url: str) -> PgTarget:
    target = target_from_env({"CLOSEDLOOP_WAREHOUSE_URL": url})
    assert target is not None
    return target


def _shared_fingerprints(url: str, schema: str) -> dict[str, tuple[int, str]]:
    target = _target(url)
    with duckdb.connect() as con:
        pull_tables(con, target, pg_tables(target, schema))
        return table_fingerprints(con, schema)


def _local_fingerprints(warehouse: Path, schema: str) -> dict[str, tuple[int, str]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return table_fingerprints(con, schema)


def test_dbt_builds_the_same_marts_on_postgresql_as_on_duckdb(pg_demo: dict[str, Any], tmp_path: Path):
    shared = _shared_fingerprints(pg_demo["url"], "marts")
    assert len(shared) >= 20
    assert shared["fct_tickets"][0] == 1500
    # What dashboards and reports read is what dbt built on PostgreSQL.
    assert _local_fingerprints(pg_demo["home"] / "serving" / "closedloop.duckdb", "marts") == shared
    # dbt on DuckDB over the very same raw, topics and review tables.
    local = tmp_path / "duckdb-warehouse.duckdb"
    shutil.copy(pg_demo["home"] / "warehouse.duckdb", local)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOSEDLOOP_", "DBT_"))} | {
        "CLOSEDLOOP_WAREHOUSE": str(local), "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    dbt = Path(sys.executable).with_name("dbt")
    build = subprocess.run([str(dbt), "build", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir",
                            str(DBT_PROJECT_DIR)], capture_output=True, text=True, env=env, timeout=900, check=False)
    assert build.returncode == 0, build.stdout[-3000:]
    assert _local_fingerprints(local, "marts") == shared


def test_the_shared_raw_tables_hold_what_the_local_merge_holds_with_the_quarantine(pg_demo: dict[str, Any]):
    shared = _shared_fingerprints(pg_demo["url"], "raw")
    assert shared == _local_fingerprints(pg_demo["home"] / "warehouse.duckdb", "raw")
    assert shared["tickets"][0] == 1500
    assert shared["quarantine"][0] >= 1


def test_every_table_the_run_fills_on_postgresql_has_planner_statistics(pg_demo: dict[str, Any]):
    """The copy analyzes the sources and dbt's post-hook each table model (``last_analyze`` is set only
    by an explicit ANALYZE, never by autovacuum): without statistics PostgreSQL plans the next model's
    joins as nested loops over "1 row" guesses, minutes instead of seconds at 20,000 tickets."""
    with psycopg.connect(pg_demo["url"]) as pg:
        rows = pg.execute("select schemaname, relname, last_analyze from pg_stat_user_tables "
                          "where schemaname in ('raw', 'intermediate', 'marts')").fetchall()
    by_schema = {schema: [name for s, name, _ in rows if s == schema] for schema in ("raw", "intermediate", "marts")}
    assert all(len(names) >= 5 for names in by_schema.values()), by_schema
    assert [f"{s}.{name}" for s, name, analyzed in rows if analyzed is None] == []


def test_loading_the_same_exports_again_changes_no_shared_row(pg_demo: dict[str, Any],
                                                              run_closedloop: Callable[..., Any]):
    before = _shared_fingerprints(pg_demo["url"], "raw")
    again = run_closedloop("ingest", "--data", str(pg_demo["data"]), home=pg_demo["home"],
                           env={"CLOSEDLOOP_WAREHOUSE_URL": pg_demo["url"]})
    assert again.returncode == 0, again.stderr[-3000:]
    after = _shared_fingerprints(pg_demo["url"], "raw")
    assert {t: n for t, (n, _) in after.items()} == {t: n for t, (n, _) in before.items()}
    assert after == _local_fingerprints(pg_demo["home"] / "warehouse.duckdb", "raw")


def test_a_run_on_a_new_machine_starts_from_the_shared_warehouse_and_embeds_nothing_again(
        pg_demo: dict[str, Any], tmp_path: Path, run_closedloop: Callable[..., Any]):
    marts = _shared_fingerprints(pg_demo["url"], "marts")
    cache = _shared_fingerprints(pg_demo["url"], "topics")["embedding_cache"]
    raw_rows = {t: n for t, (n, _) in _shared_fingerprints(pg_demo["url"], "raw").items()}
    second = run_closedloop("run", "--data", str(pg_demo["data"]), home=tmp_path / "another-machine",
                            env={"CLOSEDLOOP_WAREHOUSE_URL": pg_demo["url"]})
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "+0)" in second.stdout + second.stderr  # each raw table: nothing added by the merge
    assert {t: n for t, (n, _) in _shared_fingerprints(pg_demo["url"], "raw").items()} == raw_rows
    assert _shared_fingerprints(pg_demo["url"], "topics")["embedding_cache"] == cache
    assert {t: n for t, (n, _) in _shared_fingerprints(pg_demo["url"], "marts").items()} == \
        {t: n for t, (n, _) in marts.items()}
