"""The shared PostgreSQL warehouse: where it is configured, and copies between it and DuckDB.

Tests marked ``postgres`` run against the real server ``make test-postgres`` starts; the
configuration tests need none.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import duckdb
import psycopg
import pytest

from closedloop.core.errors import ClosedloopError
from closedloop.core.pg import PgTarget, pg_tables, pull_tables, push_tables, target_from_env
from closedloop.core.settings import prepare_environment
from closedloop.core.warehouse import mirror_tables, publish_tables, table_fingerprints

PG_DBT_VARIABLES = ("CLOSEDLOOP_DBT_TARGET", "CLOSEDLOOP_PG_HOST", "CLOSEDLOOP_PG_PORT", "CLOSEDLOOP_PG_USER",
                    "CLOSEDLOOP_PG_DBNAME", "CLOSEDLOOP_PG_PASSWORD", "CLOSEDLOOP_DAGSTER_SQLALCHEMY_URL")
"""What preparing the environment may export for dbt's postgres target and Dagster's storage."""


def test_without_a_warehouse_url_the_duckdb_file_is_the_warehouse():
    assert target_from_env({"CLOSEDLOOP_PG_HOST": "db.example"}) is None


def test_the_url_names_the_server_and_the_password_comes_from_the_environment():
    target = target_from_env({"CLOSEDLOOP_WAREHOUSE_URL": "postgresql://analyst@db.example:6543/support",
                              "CLOSEDLOOP_PG_PASSWORD": "s3cret"})
    assert target == PgTarget(host="db.example", port=6543, user="analyst", dbname="support", password="s3cret")
    assert "s3cret" not in repr(target)
    assert "s3cret" not in str(target)
    assert target.dbt_env()["CLOSEDLOOP_DBT_TARGET"] == "postgres"
    assert target.dbt_env()["CLOSEDLOOP_PG_PASSWORD"] == "s3cret"


def test_a_url_of_another_database_is_refused_by_name():
    with pytest.raises(ClosedloopError, match="CLOSEDLOOP_WAREHOUSE_URL must start with postgresql://"):
        target_from_env({"CLOSEDLOOP_WAREHOUSE_URL": "mysql://db.example/support"})


def test_preparing_the_environment_points_dbt_at_the_postgres_target(monkeypatch: pytest.MonkeyPatch):
    for name in PG_DBT_VARIABLES:  # set, so that the test's end puts each back as it was
        monkeypatch.setenv(name, "")
    monkeypatch.setenv("CLOSEDLOOP_WAREHOUSE_URL", "postgresql://analyst@db.example:6543/support")
    prepare_environment()
    assert (os.environ["CLOSEDLOOP_DBT_TARGET"], os.environ["CLOSEDLOOP_PG_HOST"],
            os.environ["CLOSEDLOOP_PG_PORT"]) == ("postgres", "db.example", "6543")
    monkeypatch.delenv("CLOSEDLOOP_WAREHOUSE_URL")
    prepare_environment()
    assert "CLOSEDLOOP_DBT_TARGET" not in os.environ  # back on DuckDB, dbt's default target


def _duck_with_rows(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("create schema raw")
    con.execute("create table raw.tickets (ticket_id varchar, subject varchar, score double, reopened boolean, "
                "replies bigint, created_at timestamp, vector float[])")
    con.execute("insert into raw.tickets values "
                "('1', 'Card \"declined\", twice\nsecond line', 0.1234567891, true, 3, '2025-01-02 03:04:05.123456', "
                "[0.5, -1.25]), "
                "('2', '', null, false, null, null, null), "
                "('3', null, -2.5e-10, null, 9007199254740993, '2025-12-31 23:59:59', [])")
    return con


@pytest.mark.postgres
def test_a_table_copied_to_postgres_and_back_keeps_every_value(tmp_path: Path, pg_warehouse_url: str):
    target = target_from_env({"CLOSEDLOOP_WAREHOUSE_URL": pg_warehouse_url})
    assert target is not None
    con = _duck_with_rows(tmp_path / "local.duckdb")
    assert push_tables(con, target, ["raw.tickets"]) == {"raw.tickets": 3}
    back = duckdb.connect()
    assert pull_tables(back, target, ["raw.tickets"]) == {"raw.tickets": 3}
    query = "select * from raw.tickets order by ticket_id"
    assert back.execute(query).fetchall() == con.execute(query).fetchall()
    assert back.execute(query).fetchall()[1][1] == ""  # an empty subject stays empty, not null
    assert table_fingerprints(back, "raw") == table_fingerprints(con, "raw")


@pytest.mark.postgres
def test_a_large_table_with_line_breaks_in_its_text_comes_back_whole(tmp_path: Path, pg_warehouse_url: str):
    target = target_from_env({"CLOSEDLOOP_WAREHOUSE_URL": pg_warehouse_url})
    assert target is not None
    con = duckdb.connect(str(tmp_path / "local.duckdb"))
    con.execute("create schema marts")
    con.execute("create table marts.fct_tickets as select cast(i as varchar) as ticket_id, "
                "'line one of ' || i || chr(10) || 'line two, \"quoted\"' as evidence from range(200000) t(i)")
    push_tables(con, target, ["marts.fct_tickets"])
    back = duckdb.connect()
    assert pull_tables(back, target, ["marts.fct_tickets"]) == {"marts.fct_tickets": 200_000}
    assert table_fingerprints(back, "marts") == table_fingerprints(con, "marts")


@pytest.mark.postgres
def test_pushing_again_replaces_the_rows_and_keeps_the_views_over_the_table(tmp_path: Path,
                                                                           pg_warehouse_url: str):
    target = target_from_env({"CLOSEDLOOP_WAREHOUSE_URL": pg_warehouse_url})
    assert target is not None
    con = _duck_with_rows(tmp_path / "local.duckdb")
    push_tables(con, target, ["raw.tickets"])
    with psycopg.connect(pg_warehouse_url, autocommit=True) as pg:
        pg.execute("create view public.open_tickets as select ticket_id from raw.tickets")
    con.execute("delete from raw.tickets where ticket_id = '2'")
    push_tables(con, target, ["raw.tickets"])
    push_tables(con, target, ["raw.tickets"])
    with psycopg.connect(pg_warehouse_url) as pg:
        rows = pg.execute("select ticket_id from public.open_tickets order by 1").fetchall()
    assert rows == [("1",), ("3",)]


@pytest.mark.postgres
def test_the_embedding_cache_sends_only_vectors_newer_than_the_shared_ones(tmp_path: Path,
                                                                          pg_warehouse_url: str):
    target = target_from_env({"CLOSEDLOOP_WAREHOUSE_URL": pg_warehouse_url})
    assert target is not None
    con = duckdb.connect(str(tmp_path / "local.duckdb"))
    con.execute("create schema topics")
    con.execute("create table topics.embedding_cache (text_hash varchar, model_id varchar, dim integer, "
                "vector float[], created_at timestamp)")
    con.execute("insert into topics.embedding_cache values ('a', 'm', 2, [1.0, 0.0], '2025-01-01 00:00:00')")
    push_tables(con, target, ["topics.embedding_cache"])
    with psycopg.connect(pg_warehouse_url, autocommit=True) as pg:  # a vector only the shared cache has
        pg.execute("insert into topics.embedding_cache values ('z', 'm', 2, '{0,1}', '2024-06-01 00:00:00')")
    con.execute("insert into topics.embedding_cache values ('b', 'm', 2, [0.0, 1.0], '2025-01-02 00:00:00')")
    assert push_tables(con, target, ["topics.embedding_cache"]) == {"topics.embedding_cache": 3}
    with psycopg.connect(pg_warehouse_url) as pg:
        hashes = [r[0] for r in pg.execute("select text_hash from topics.embedding_cache order by 1").fetchall()]
    assert hashes == ["a", "b", "z"]


@pytest.mark.postgres
def test_publishing_and_mirroring_go_through_the_configured_warehouse(tmp_path: Path, pg_warehouse_url: str,
                                                                      monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CLOSEDLOOP_WAREHOUSE_URL", pg_warehouse_url)
    target = target_from_env()
    assert target is not None
    local = tmp_path / "local.duckdb"
    with _duck_with_rows(local) as con:
        assert publish_tables(con, ["raw.tickets"]) == {"raw.tickets": 3}
    with psycopg.connect(pg_warehouse_url, autocommit=True) as pg:
        pg.execute("create schema marts")
        pg.execute("create table marts.fct_tickets as select ticket_id, score, created_at from raw.tickets")
    assert pg_tables(target, "marts") == ["marts.fct_tickets"]
    assert mirror_tables(local, ["marts"]) == {"marts.fct_tickets": 3}
    with duckdb.connect(str(local), read_only=True) as con:
        types = con.execute("select data_type from information_schema.columns where table_schema = 'marts' "
                            "order by ordinal_position").fetchall()
        first = con.execute("select created_at from marts.fct_tickets where ticket_id = '1'").fetchone()
    assert types == [("VARCHAR",), ("DOUBLE",), ("TIMESTAMP",)]
    assert first == (datetime(2025, 1, 2, 3, 4, 5, 123456),)


def test_without_a_storage_url_dagster_keeps_its_runs_in_the_state_folder(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("CLOSEDLOOP_DAGSTER_STORAGE_URL", raising=False)
    settings = prepare_environment()
    text = (settings.dagster_home / "dagster.yaml").read_text(encoding="utf-8")
    assert "storage:" not in text
    assert "run_coordinator" not in text


@pytest.mark.postgres
def test_with_a_storage_url_dagster_keeps_its_runs_in_postgresql_and_queues_submitted_runs(
        pg_warehouse_url: str, monkeypatch: pytest.MonkeyPatch):
    import dagster as dg

    for name in PG_DBT_VARIABLES:
        monkeypatch.setenv(name, "")
    monkeypatch.setenv("CLOSEDLOOP_DAGSTER_STORAGE_URL", pg_warehouse_url)  # plain postgresql:// as users write it
    prepare_environment()

    @dg.asset
    def greeting() -> str:
        return "hello"

    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert dg.materialize([greeting], instance=instance).success
    with psycopg.connect(pg_warehouse_url) as pg:
        rows = pg.execute("select count(*) from runs where status = 'SUCCESS'").fetchone()
    assert rows == (1,)
