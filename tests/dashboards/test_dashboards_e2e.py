"""End to end: a real Superset 6.1 serving the bundle from a demo warehouse, opened in headless Chromium.

Superset runs from its own virtualenv (``make superset-venv`` creates it when missing; reused when
present) on a free port, with its metadata database in this module's temporary state folder. The
browser logs in as a user with the read-only Viewer role (browser and what counts as a rendered chart:
``tests/dashboards/conftest.py``). Screenshots go to ``$CLOSEDLOOP_HOME/screenshots``; with
``CLOSEDLOOP_UPDATE_SCREENSHOTS=1`` they are also copied to ``docs/img/`` for the README.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import requests

from closedloop.core.serving import publish_marts
from closedloop.core.settings import PROJECT_ROOT, Settings
from dashboards import server
from dashboards.build import BUNDLE_DIR
from dashboards.spec import DASHBOARDS
from dashboards.sync import chart_data, client, push

pytestmark = pytest.mark.slow

ADMIN_PASSWORD = "admin-test-password"
VIEWER_PASSWORD = "viewer-test-password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def superset(demo_pipeline: dict[str, Any], tmp_path_factory: pytest.TempPathFactory,
             superset_tools: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A running Superset with the dashboards imported against the demo warehouse's serving copy."""
    venv = superset_tools["venv"]()
    home = tmp_path_factory.mktemp("superset_state")
    settings = Settings(home=home, data_dir=demo_pipeline["data"])
    publish_marts(demo_pipeline["home"] / "warehouse.duckdb", settings.serving_warehouse)
    env = {"CLOSEDLOOP_SUPERSET_ADMIN_PASSWORD": ADMIN_PASSWORD, "CLOSEDLOOP_SUPERSET_VIEWER_PASSWORD": VIEWER_PASSWORD,
           "CLOSEDLOOP_SUPERSET_PORT": str(_free_port()), "CLOSEDLOOP_SUPERSET_VENV": str(venv)}
    with mock.patch.dict(os.environ, env):
        try:
            url = server.up(settings)
            yield {"url": url, "home": home, "settings": settings, "viewer_password": VIEWER_PASSWORD}
        finally:
            server.down(settings)
            assert not server.healthy(), "Superset still answers after `down`"


def _wait(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:.0f}s waiting for {what}")
        time.sleep(0.5)


def test_every_chart_query_returns_rows_through_the_api(superset: dict[str, Any]) -> None:
    api = client(superset["url"], "admin", ADMIN_PASSWORD)
    results = chart_data(api, superset["url"])
    assert len(results) == sum(len(row) for d in DASHBOARDS for row in d.rows)
    empty = [(r.title, r.rows, r.error) for r in results if r.rows <= 0 or r.error]
    assert empty == []


@pytest.mark.parametrize("dashboard", DASHBOARDS, ids=[d.slug for d in DASHBOARDS])
def test_a_viewer_sees_every_chart_of_each_dashboard_rendered(superset: dict[str, Any], render_dashboard: Any,
                                                              dashboard: Any) -> None:
    states = render_dashboard(dashboard)
    assert [s for s in states if s["error"]] == []
    assert len(states) == sum(len(row) for row in dashboard.rows)
    if os.environ.get("CLOSEDLOOP_UPDATE_SCREENSHOTS") == "1":
        docs = PROJECT_ROOT / "docs" / "img"
        docs.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(superset["home"] / "screenshots" / f"{dashboard.slug}.png",
                        docs / f"dashboard-{dashboard.slug}.png")


def test_an_anonymous_visitor_gets_no_data(superset: dict[str, Any]) -> None:
    url = superset["url"]
    assert requests.get(f"{url}/api/v1/chart/", timeout=30).status_code == 401
    assert requests.get(f"{url}/api/v1/dataset/", timeout=30).status_code == 401
    query = {"datasource": {"id": 1, "type": "table"}, "queries": [{"metrics": ["tickets"]}]}
    assert requests.post(f"{url}/api/v1/chart/data", json=query, timeout=30).status_code == 401
    page = requests.get(f"{url}/superset/dashboard/leadership/", timeout=30, allow_redirects=False)
    assert page.status_code in {302, 401, 403}
    assert "/login" in page.headers.get("Location", "/login")


def test_the_viewer_role_cannot_change_dashboards(superset: dict[str, Any]) -> None:
    api = client(superset["url"], "viewer", VIEWER_PASSWORD)
    dashboards = api.get(f"{superset['url']}/api/v1/dashboard/").json()
    assert dashboards["count"] == len(DASHBOARDS)
    first = dashboards["result"][0]["id"]
    changed = api.put(f"{superset['url']}/api/v1/dashboard/{first}", json={"dashboard_title": "renamed"})
    assert changed.status_code in {401, 403}


def test_pages_forbid_the_browser_to_load_anything_from_other_origins(superset: dict[str, Any]) -> None:
    """Superset 6.1's menu always renders a Scarf telemetry pixel; the CSP is what keeps it unloaded."""
    policy = requests.get(f"{superset['url']}/login/", timeout=30).headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip())
    assert directives["img-src"] == "'self' blob: data:"
    assert directives["connect-src"] == "'self'"
    assert directives["default-src"] == "'self'"


def test_pushing_a_changed_bundle_updates_the_chart_in_superset(superset: dict[str, Any], tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(BUNDLE_DIR, bundle)
    chart_file = bundle / "charts" / "leadership" / "tickets_resolved.yaml"
    chart_file.write_text(chart_file.read_text().replace("slice_name: Tickets resolved",
                                                         "slice_name: Tickets resolved (renamed)"))
    url, serving = superset["url"], superset["settings"].serving_warehouse
    api = client(url, "admin", ADMIN_PASSWORD)
    before = api.get(f"{url}/api/v1/chart/", params={"q": "(page_size:100)"}).json()["count"]
    try:
        assert push(url, "admin", ADMIN_PASSWORD, serving, tmp_path, bundle) == len(DASHBOARDS)
        titles = [c["slice_name"] for c in
                  api.get(f"{url}/api/v1/chart/", params={"q": "(page_size:100)"}).json()["result"]]
        assert "Tickets resolved (renamed)" in titles
        assert "Tickets resolved" not in titles
        assert len(titles) == before
    finally:
        push(url, "admin", ADMIN_PASSWORD, serving, tmp_path)


def _dataset_id(api: Any, url: str, name: str) -> int:
    listing = api.get(f"{url}/api/v1/dataset/", params={"q": "(page_size:100)"}).json()["result"]
    return int(next(d["id"] for d in listing if d["table_name"] == name))


def _tickets_query(api: Any, url: str, **query: Any) -> dict[str, Any]:
    """A chart-data request on cl_tickets: tickets by channel, with ``query`` merged into its one query."""
    base = {"columns": ["channel"], "metrics": ["tickets"], "filters": [], "row_limit": 10}
    return {"datasource": {"id": _dataset_id(api, url, "cl_tickets"), "type": "table"}, "queries": [base | query],
            "result_format": "json", "result_type": "full"}


VERSION_SQL = {"expressionType": "SQL", "sqlExpression": "version()", "label": "v"}
AD_HOC_SQL = {
    "metric": {"metrics": [VERSION_SQL | {"sqlExpression": "max(version())"}]},
    "column": {"columns": [VERSION_SQL]},
    "bare column": {"columns": ["version()"]},
    "where": {"extras": {"where": "version() is not null"}},
    "having": {"extras": {"having": "max(version()) is not null"}},
    "order": {"orderby": [["version()", False]]},
    "filter": {"filters": [{"col": VERSION_SQL, "op": "==", "val": "x"}]},
}


@pytest.mark.parametrize("part", AD_HOC_SQL, ids=list(AD_HOC_SQL))
def test_a_viewer_cannot_send_sql_of_their_own_in_a_chart_query(superset: dict[str, Any], part: str) -> None:
    url = superset["url"]
    viewer = client(url, "viewer", VIEWER_PASSWORD)
    refused = viewer.post(f"{url}/api/v1/chart/data", json=_tickets_query(viewer, url, **AD_HOC_SQL[part]))
    assert refused.status_code == 403, refused.text[:300]
    assert "saved columns and metrics" in refused.text
    assert "v2." not in refused.text  # no DuckDB version leaked


def test_a_viewer_queries_saved_metrics_and_columns_and_the_x_axis(superset: dict[str, Any]) -> None:
    url = superset["url"]
    viewer = client(url, "viewer", VIEWER_PASSWORD)
    x_axis = {"columnType": "BASE_AXIS", "sqlExpression": "date_day", "label": "date_day", "expressionType": "SQL",
              "timeGrain": "P1M"}
    for columns in (["channel"], [x_axis]):
        answer = viewer.post(f"{url}/api/v1/chart/data", json=_tickets_query(viewer, url, columns=columns))
        assert answer.status_code == 200, answer.text[:300]
        assert answer.json()["result"][0]["rowcount"] > 0


def test_an_admin_may_still_query_with_sql(superset: dict[str, Any]) -> None:
    url = superset["url"]
    admin = client(url, "admin", ADMIN_PASSWORD)
    answer = admin.post(f"{url}/api/v1/chart/data", json=_tickets_query(admin, url, **AD_HOC_SQL["column"]))
    assert answer.status_code == 200, answer.text[:300]
    assert answer.json()["result"][0]["data"][0]["v"].startswith("v")


def test_a_viewer_downloads_a_chart_as_csv(superset: dict[str, Any]) -> None:
    url = superset["url"]
    viewer = client(url, "viewer", VIEWER_PASSWORD)
    query = _tickets_query(viewer, url)
    answer = viewer.post(f"{url}/api/v1/chart/data", json=query | {"result_format": "csv"})
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["Content-Type"].startswith("text/csv")
    lines = answer.text.strip().splitlines()
    assert lines[0] == "channel,Tickets"
    shown = viewer.post(f"{url}/api/v1/chart/data", json=query).json()["result"][0]["data"]
    assert {tuple(line.rsplit(",", 1)) for line in lines[1:]} == {(r["channel"], str(r["tickets"])) for r in shown}


ESCAPES = {
    "read a file": "select * from read_csv('/etc/passwd')",
    "write a file": "copy (select 1 as one) to '{tmp}/out.csv'",
    "attach a database": "attach '{tmp}/other.duckdb' as other",
    "install an extension": "install httpfs",
    "load an extension": "load httpfs",
    "turn external access back on": "set enable_external_access = true",
}


@pytest.mark.parametrize("statement", ESCAPES, ids=list(ESCAPES))
def test_the_serving_connection_reaches_nothing_but_the_serving_copy(superset: dict[str, Any], tmp_path: Path,
                                                                     statement: str) -> None:
    """Through SQL Lab's API as admin (a Viewer has no SQL Lab): DuckDB itself refuses, whoever asks."""
    url = superset["url"]
    admin = client(url, "admin", ADMIN_PASSWORD)
    database = admin.get(f"{url}/api/v1/database/").json()["result"][0]["id"]

    def run(sql: str) -> Any:
        return admin.post(f"{url}/api/v1/sqllab/execute/", json={"database_id": database, "sql": sql,
                                                                 "runAsync": False, "schema": "marts"})

    assert run("select count(*) as n from marts.fct_tickets").json()["data"][0]["n"] > 0
    refused = run(ESCAPES[statement].format(tmp=tmp_path))
    assert refused.status_code >= 400
    assert re.search(r"disabled (by|through) configuration|configuration has been locked", refused.text), refused.text
    assert list(tmp_path.iterdir()) == []


LINKS_IN_CHART = """
const holder = Array.from(document.querySelectorAll("[data-test='chart-grid-component']"))
  .find(h => h.innerText.startsWith(arguments[0]));
return holder ? Array.from(holder.querySelectorAll("table tbody a")).map(a => [a.getAttribute("href"), a.innerText])
              : [];
"""


@pytest.mark.parametrize(("chart", "address"), [
    ("Representative tickets (redacted)", "https://closedloop-demo.zendesk.com/agent/tickets/{}"),
    ("Linked backlog items (accepted links) and their status", "https://closedloop-demo.atlassian.net/browse/{}"),
])
def test_a_viewer_follows_a_row_to_the_help_desk_or_the_tracker(superset: dict[str, Any], browser: Any, chart: str,
                                                                address: str) -> None:
    """The demo run set CLOSEDLOOP_ZENDESK_SUBDOMAIN and CLOSEDLOOP_TRACKER_ITEM_URL (tests/conftest.py)."""
    browser.get(f"{superset['url']}/superset/dashboard/product-insights/")
    links: list[list[str]] = []

    def linked() -> bool:
        links[:] = browser.execute_script(LINKS_IN_CHART, chart)
        return bool(links)

    _wait(linked, 180, f"links in {chart}")
    assert all(href == address.format(text) for href, text in links), links[:3]


ROWS_IN_CHART = """
const holder = Array.from(document.querySelectorAll("[data-test='chart-grid-component']"))
  .find(h => h.innerText.startsWith(arguments[0]));
return holder ? Array.from(holder.querySelectorAll("table tbody tr"))
                  .map(tr => Array.from(tr.querySelectorAll("td")).map(td => td.innerText.trim()))
              : [];
"""


def test_a_viewer_reads_the_top_level_themes_with_their_sub_themes_beneath(superset: dict[str, Any],
                                                                           browser: Any) -> None:
    """The taxonomy table lists every top-level theme of the serving marts, each sub-theme under its own parent."""
    import itertools

    import duckdb

    with duckdb.connect(str(superset["settings"].serving_warehouse), read_only=True) as con:
        pairs = sorted(con.execute("select g.group_name, th.theme_name from marts.dim_themes as th join "
                                   "marts.dim_theme_groups as g on g.theme_group_id = th.parent_theme_id").fetchall())
    assert pairs, "the demo run wrote no top-level themes"
    browser.get(f"{superset['url']}/superset/dashboard/product-insights/")
    rows: list[list[str]] = []

    def listed() -> bool:
        rows[:] = browser.execute_script(ROWS_IN_CHART, "Top-level themes and their sub-themes")
        return len(rows) == len(pairs)

    _wait(listed, 180, "the top-level themes table")
    assert sorted((r[0], r[2]) for r in rows) == pairs
    blocks = [group for group, _ in itertools.groupby(r[0] for r in rows)]
    assert len(blocks) == len(set(blocks)), blocks  # each top-level theme's sub-themes are listed together


def test_the_theme_filter_offers_the_sub_themes_of_the_chosen_top_level_theme(superset: dict[str, Any]) -> None:
    api = client(superset["url"], "admin", ADMIN_PASSWORD)
    found = api.get(f"{superset['url']}/api/v1/dashboard/product-insights").json()["result"]
    filters = {f["name"]: f for f in json.loads(found["json_metadata"])["native_filter_configuration"]}
    assert filters["Theme"]["cascadeParentIds"] == [filters["Top-level theme"]["id"]]
    assert filters["Top-level theme"]["targets"][0]["column"]["name"] == "top_level_theme"
