"""Superset reads the PostgreSQL marts directly, as a read-only role (``make test-postgres``).

One demo (1,500 tickets, seed 3, with the drill-through links of the DuckDB browser test) runs on a
fresh PostgreSQL database of the server ``.ci/with-postgres`` starts, after ``closedloop warehouse
create-reader`` made the reader role and with ``CLOSEDLOOP_WAREHOUSE_READER_ROLE`` naming it, so
dbt grants the role each mart it builds. dbt then rebuilds the marts once more. A real Superset 6.1
(its own virtualenv, state in a folder with no serving file) imports the bundle with the database
entry rendered for PostgreSQL (the reader's URL, its password through the import's ``passwords``)
and headless Chromium opens each dashboard as the viewer.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import duckdb
import psycopg
import pytest

from closedloop.core.pg import PgTarget, target_from_env
from closedloop.core.settings import DBT_PROJECT_DIR, Settings
from dashboards import server
from dashboards.datasets import DATASETS
from dashboards.spec import DASHBOARDS
from dashboards.sync import chart_data, client, push

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ADMIN_PASSWORD = "admin-test-password"
VIEWER_PASSWORD = "viewer-test-password"
READER_PASSWORD = "reader-test-password"
DEMO_LINKS = {"CLOSEDLOOP_ZENDESK_SUBDOMAIN": "closedloop-demo",
              "CLOSEDLOOP_TRACKER_ITEM_URL": "https://closedloop-demo.atlassian.net/browse/{key}"}


def _target(url: str, user: str | None = None) -> PgTarget:
    target = target_from_env({"CLOSEDLOOP_WAREHOUSE_URL": url})
    assert target is not None
    if user is None:
        return target
    return PgTarget(host=target.host, port=target.port, user=user, dbname=target.dbname, password=READER_PASSWORD)


def _mart_oids(target: PgTarget) -> dict[str, int]:
    with target.connect() as pg:
        rows = pg.execute("select c.relname, c.oid::bigint from pg_class as c join pg_namespace as n "
                          "on n.oid = c.relnamespace where n.nspname = 'marts' and c.relkind = 'r'").fetchall()
    return {str(name): int(str(oid)) for name, oid in rows}


def _rebuild_marts(target: PgTarget, role: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    """``dbt run --select marts`` on the postgres target: every mart dropped and created anew."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOSEDLOOP_", "DBT_"))} | target.dbt_env() | {
        "CLOSEDLOOP_WAREHOUSE_READER_ROLE": role, "DBT_TARGET_PATH": str(tmp / "target"),
        "DBT_LOG_PATH": str(tmp / "logs"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    dbt = Path(sys.executable).with_name("dbt")
    return subprocess.run([str(dbt), "run", "--select", "marts", "--project-dir", str(DBT_PROJECT_DIR),
                           "--profiles-dir", str(DBT_PROJECT_DIR)], capture_output=True, text=True, env=env,
                          timeout=1200, check=False)


@pytest.fixture(scope="module")
def pg_marts(tmp_path_factory: pytest.TempPathFactory, pg_server_url: str,
             run_closedloop: Callable[..., subprocess.CompletedProcess[str]]) -> Iterator[dict[str, Any]]:
    """The demo built on a fresh database with the reader role granted, then its marts rebuilt by dbt."""
    root = tmp_path_factory.mktemp("pg_superset")
    home, data = root / "state", root / "demo"
    name, role = f"closedloop_superset_{os.getpid()}", f"closedloop_reader_{os.getpid()}"
    url = pg_server_url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        admin.execute(f'drop database if exists "{name}" with (force)')
        admin.execute(f'create database "{name}"')
    try:
        env = {"CLOSEDLOOP_WAREHOUSE_URL": url, "CLOSEDLOOP_WAREHOUSE_READER_PASSWORD": READER_PASSWORD}
        created = run_closedloop("warehouse", "create-reader", "--role", role, home=home, env=env)
        assert created.returncode == 0, created.stderr
        assert READER_PASSWORD not in created.stdout + created.stderr
        generated = run_closedloop("demo-data", "--out", str(data), "--tickets", "1500", "--seed", "3", home=home)
        assert generated.returncode == 0, generated.stderr
        shared = {"CLOSEDLOOP_WAREHOUSE_URL": url, "CLOSEDLOOP_WAREHOUSE_READER_ROLE": role}
        run = run_closedloop("run", "--data", str(data), home=home, env=DEMO_LINKS | shared)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        first_oids = _mart_oids(_target(url))
        rebuilt = _rebuild_marts(_target(url), role, root)
        assert rebuilt.returncode == 0, rebuilt.stdout[-3000:]
        yield {"url": url, "role": role, "home": home, "data": data, "first_oids": first_oids}
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as admin:
            admin.execute(f'drop database if exists "{name}" with (force)')
            admin.execute(f'drop role if exists "{role}"')


def test_the_reader_role_reads_every_mart_after_a_rebuild(pg_marts: dict[str, Any]) -> None:
    now = _mart_oids(_target(pg_marts["url"]))
    assert len(now) >= 20
    assert now.keys() == pg_marts["first_oids"].keys()
    assert all(now[t] != pg_marts["first_oids"][t] for t in now)  # each mart is a new table since the run
    with _target(pg_marts["url"], pg_marts["role"]).connect() as reader:
        counts = {t: reader.execute(f'select count(*) from marts."{t}"').fetchone() for t in now}
    assert counts["fct_tickets"] == (1500,)


@pytest.mark.parametrize("statement", [
    "insert into marts.fct_tickets (ticket_id) values ('written by the reader')",
    "update marts.dim_themes set theme_name = 'renamed by the reader'",
    "delete from marts.fct_tickets",
    "create table marts.scratch (one integer)",
    "create table public.scratch (one integer)",
    "drop table marts.fct_tickets",
    "create schema scratch",
], ids=["insert", "update", "delete", "create in marts", "create in public", "drop", "create schema"])
def test_the_reader_role_can_write_nothing(pg_marts: dict[str, Any], statement: str) -> None:
    """Refused by privileges, also in a transaction the reader turned to read-write."""
    with _target(pg_marts["url"], pg_marts["role"]).connect() as reader:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):  # the role's default
            reader.execute(statement)
        reader.rollback()
        reader.execute("set transaction read write")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            reader.execute(statement)


def test_every_dataset_gives_the_same_figures_on_postgresql_as_on_the_serving_copy(pg_marts: dict[str, Any]) -> None:
    """Each dataset's query (PostgreSQL's where it has one) and every saved metric, read as the reader role."""
    figures: dict[str, dict[str, list[Any]]] = {"postgresql": {}, "duckdb": {}}
    with _target(pg_marts["url"], pg_marts["role"]).connect() as reader, \
            duckdb.connect(str(pg_marts["home"] / "serving" / "closedloop.duckdb"), read_only=True) as serving:
        for dataset in DATASETS:
            metrics = ", ".join(f"{m.sql} as {m.name}" for m in dataset.metrics)
            for engine, con in (("postgresql", reader), ("duckdb", serving)):
                row = con.execute(f"select count(*), {metrics} from ({dataset.sql_for(engine)}) as q").fetchone()
                assert row is not None
                figures[engine][dataset.name] = [None if v is None else round(float(v), 6) for v in row]
    assert figures["postgresql"] == figures["duckdb"]
    assert all(values[0] > 0 for values in figures["postgresql"].values()), figures["postgresql"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def superset(pg_marts: dict[str, Any], tmp_path_factory: pytest.TempPathFactory,
             superset_tools: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A running Superset whose closedloop database is PostgreSQL's marts, as the reader; no serving file."""
    venv = superset_tools["venv"]()
    home = tmp_path_factory.mktemp("superset_pg_state")
    settings = Settings(home=home, data_dir=pg_marts["data"])
    target = _target(pg_marts["url"])
    env = {"CLOSEDLOOP_SUPERSET_ADMIN_PASSWORD": ADMIN_PASSWORD, "CLOSEDLOOP_SUPERSET_VIEWER_PASSWORD": VIEWER_PASSWORD,
           "CLOSEDLOOP_SUPERSET_PORT": str(_free_port()), "CLOSEDLOOP_SUPERSET_VENV": str(venv),
           "CLOSEDLOOP_SUPERSET_WAREHOUSE_URL": f"postgresql://{pg_marts['role']}@{target.host}:{target.port}/"
                                                f"{target.dbname}",
           "CLOSEDLOOP_SUPERSET_WAREHOUSE_PASSWORD": READER_PASSWORD}
    with mock.patch.dict(os.environ, env):
        try:
            url = server.up(settings)
            yield {"url": url, "home": home, "settings": settings, "viewer_password": VIEWER_PASSWORD,
                   "env": env}
        finally:
            server.down(settings)


def test_superset_queries_postgresql_as_the_reader_with_no_serving_file(superset: dict[str, Any]) -> None:
    url = superset["url"]
    admin = client(url, "admin", ADMIN_PASSWORD)
    database = admin.get(f"{url}/api/v1/database/").json()["result"][0]
    assert database["backend"] == "postgresql"
    # Superset refuses current_user on PostgreSQL; the privilege functions answer for the connected role.
    answer = admin.post(f"{url}/api/v1/sqllab/execute/", json={
        "database_id": database["id"], "runAsync": False, "schema": "marts",
        "sql": "select has_table_privilege('marts.fct_tickets', 'select') as can_read, "
               "has_table_privilege('marts.fct_tickets', 'insert') as can_insert, count(*) as n "
               "from marts.fct_tickets"})
    assert answer.status_code == 200, answer.text[:500]
    assert answer.json()["data"] == [{"can_read": True, "can_insert": False, "n": 1500}]
    assert not superset["settings"].serving_warehouse.exists()
    assert list(superset["home"].rglob("*.duckdb")) == []
    for bundle in superset["home"].rglob("*.zip"):  # what up rendered: the URI, never the password
        with zipfile.ZipFile(bundle) as archive:
            assert all(READER_PASSWORD.encode() not in archive.read(n) for n in archive.namelist())


def test_every_chart_query_returns_rows_from_postgresql(superset: dict[str, Any]) -> None:
    results = chart_data(client(superset["url"], "admin", ADMIN_PASSWORD), superset["url"])
    assert len(results) == sum(len(row) for d in DASHBOARDS for row in d.rows)
    assert [(r.title, r.rows, r.error) for r in results if r.rows <= 0 or r.error] == []


def test_pushing_the_bundle_keeps_superset_on_postgresql(superset: dict[str, Any], tmp_path: Path) -> None:
    """``closedloop dashboards push`` (the REST import) renders the same PostgreSQL entry; the password goes as
    ``passwords``."""
    url = superset["url"]
    env = {k: v for k, v in superset["env"].items() if k.startswith("CLOSEDLOOP_SUPERSET_WAREHOUSE_")}
    with mock.patch.dict(os.environ, env):
        assert push(url, "admin", ADMIN_PASSWORD, superset["settings"].serving_warehouse, tmp_path) == len(DASHBOARDS)
    admin = client(url, "admin", ADMIN_PASSWORD)
    assert admin.get(f"{url}/api/v1/database/").json()["result"][0]["backend"] == "postgresql"
    results = chart_data(admin, url)
    assert [(r.title, r.rows, r.error) for r in results if r.rows <= 0 or r.error] == []


@pytest.mark.parametrize("dashboard", DASHBOARDS, ids=[d.slug for d in DASHBOARDS])
def test_a_viewer_sees_every_chart_rendered_from_postgresql(render_dashboard: Any, dashboard: Any) -> None:
    states = render_dashboard(dashboard)
    assert [s for s in states if s["error"]] == []
    assert len(states) == sum(len(row) for row in dashboard.rows)
