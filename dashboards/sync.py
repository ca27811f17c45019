"""Fill in the bundle's database URI, zip it, and push it to a running Superset.

Superset reads the serving DuckDB copy by default, or with ``$CLOSEDLOOP_SUPERSET_WAREHOUSE_URL``
the PostgreSQL marts directly, as a read-only role (:func:`superset_database`).

Authentication and CSRF go through superset-client (``supersetapiclient.SupersetClient``); the
import itself is a plain REST call (``/api/v1/assets/import/``, which overwrites databases, datasets,
charts and dashboards, unlike ``/api/v1/dashboard/import/``) on the client's session, because the
client's ``assets.import_file`` opens the file by its bare name (it only works from the file's folder).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import yaml

from closedloop.core.errors import ClosedloopError
from dashboards.build import BUNDLE_DIR, DATABASE_NAME, URI_PLACEHOLDER
from dashboards.datasets import DATASETS

log = logging.getLogger("closedloop.dashboards")

BUNDLE_ROOT = "closedloop_dashboards"
DATASETS_BY_NAME = {d.name: d for d in DATASETS}


WAREHOUSE_URL_VAR = "CLOSEDLOOP_SUPERSET_WAREHOUSE_URL"
WAREHOUSE_PASSWORD_VAR = "CLOSEDLOOP_SUPERSET_WAREHOUSE_PASSWORD"
DATABASE_FILE = f"databases/{DATABASE_NAME}.yaml"
"""The database's file inside the bundle: the key of its password in Superset's import (``passwords``)."""


@dataclass(frozen=True)
class SupersetDatabase:
    """What the bundle's ``closedloop`` database connects to.

    Attributes:
        uri: SQLAlchemy URI written into the bundle (never with a password).
        engine: ``duckdb`` (the serving copy) or ``postgresql`` (the shared warehouse's marts).
        password: Handed to Superset's import as ``passwords``, never written to a file.
    """

    uri: str
    engine: str
    password: str | None = field(default=None, repr=False)

    @property
    def reads_serving_file(self) -> bool:
        """Whether Superset reads the serving DuckDB copy (so it must exist before the import)."""
        return self.engine == "duckdb"

    def import_passwords(self) -> dict[str, str]:
        """The ``passwords`` of Superset's assets import: the database file's password, when there is one."""
        return {DATABASE_FILE: self.password} if self.password else {}


def superset_database(serving_warehouse: Path, environ: dict[str, str] | None = None) -> SupersetDatabase:
    """The serving DuckDB file, or with ``$CLOSEDLOOP_SUPERSET_WAREHOUSE_URL`` the PostgreSQL marts.

    The URL names the read-only role (``postgresql://reader@host:5432/db``, docs/deploy.md); its
    password is ``$CLOSEDLOOP_SUPERSET_WAREHOUSE_PASSWORD``.

    Raises:
        ClosedloopError: The URL is not a PostgreSQL URL with a user, host and database, or holds a
            password (the URL is written into the bundle).
    """
    env = os.environ if environ is None else environ
    url = env.get(WAREHOUSE_URL_VAR, "").strip()
    if not url:
        return SupersetDatabase(URI_PLACEHOLDER.format(serving_warehouse=serving_warehouse.resolve()), "duckdb")
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres", "postgresql+psycopg2"):
        raise ClosedloopError(f"{WAREHOUSE_URL_VAR} must start with postgresql://, got {parts.scheme!r}://...")
    if parts.password:
        raise ClosedloopError(f"{WAREHOUSE_URL_VAR} holds a password: put it in {WAREHOUSE_PASSWORD_VAR} instead "
                              "(the URL is written into the dashboards bundle)")
    try:
        port = parts.port or 5432
    except ValueError as exc:
        raise ClosedloopError(f"{WAREHOUSE_URL_VAR} has a port that is not a number") from exc
    dbname = parts.path.lstrip("/")
    if not (parts.username and parts.hostname and dbname):
        raise ClosedloopError(f"{WAREHOUSE_URL_VAR} must name the reader role, the host and the database: "
                              "postgresql://reader@host:5432/dbname")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    uri = f"postgresql+psycopg2://{quote(unquote(parts.username), safe='')}@{host}:{port}/{quote(dbname, safe='')}"
    return SupersetDatabase(uri, "postgresql", env.get(WAREHOUSE_PASSWORD_VAR) or None)


def _database_text(text: str, database: SupersetDatabase) -> str:
    """The database YAML for ``database``: the URI filled in; on PostgreSQL without DuckDB's connect_args."""
    if database.engine == "duckdb":
        return text.replace(URI_PLACEHOLDER, database.uri)
    content = yaml.safe_load(text)
    content["sqlalchemy_uri"] = database.uri
    content["extra"]["engine_params"].pop("connect_args", None)  # read_only and DuckDB's config: DuckDB only
    return yaml.safe_dump(content, sort_keys=False, allow_unicode=True, width=120)


def _dataset_text(text: str, database: SupersetDatabase) -> str:
    """The dataset YAML with its query for ``database``'s engine (:meth:`Dataset.sql_for`)."""
    content = yaml.safe_load(text)
    spec = DATASETS_BY_NAME.get(content.get("table_name"))
    if spec is None or spec.sql_for(database.engine) == content["sql"]:
        return text
    content["sql"] = spec.sql_for(database.engine)
    return yaml.safe_dump(content, sort_keys=False, allow_unicode=True, width=120)


def render_bundle(serving_warehouse: Path, out: Path, bundle_dir: Path = BUNDLE_DIR,
                  database: SupersetDatabase | None = None) -> Path:
    """Zip ``bundle_dir`` with the database entry and the datasets' SQL rendered for the warehouse Superset reads.

    Args:
        serving_warehouse: The serving DuckDB file Superset opens read-only (unused on PostgreSQL).
        out: Zip file to write.
        bundle_dir: The YAML bundle.
        database: What Superset connects to; default :func:`superset_database` from the environment.
    """
    if not (bundle_dir / "metadata.yaml").exists():
        raise ClosedloopError(f"{bundle_dir} is not a Superset bundle (no metadata.yaml)")
    database = database or superset_database(serving_warehouse)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(bundle_dir.rglob("*.yaml")):
            text = path.read_text()
            relative = path.relative_to(bundle_dir)
            if relative.parts[0] == "databases":
                text = _database_text(text, database)
            elif relative.parts[0] == "datasets" and database.engine != "duckdb":
                text = _dataset_text(text, database)
            archive.writestr(f"{BUNDLE_ROOT}/{relative}", text)
    return out


INSECURE_TRANSPORT = "OAUTHLIB_INSECURE_TRANSPORT"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@contextlib.contextmanager
def plain_http_allowed(url: str) -> Iterator[None]:
    """Let oauthlib send this one request over plain http when ``url`` is a Superset on this machine.

    oauthlib refuses http unless ``OAUTHLIB_INSECURE_TRANSPORT`` is set, and reads it on every request;
    it is set for the request only and the previous value put back, so nothing else in the process
    (another client, a Dagster run, a library) is ever allowed plain http because of us.
    """
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
        yield
        return
    saved = os.environ.get(INSECURE_TRANSPORT)
    os.environ[INSECURE_TRANSPORT] = "1"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(INSECURE_TRANSPORT, None)
        else:
            os.environ[INSECURE_TRANSPORT] = saved


def client(url: str, username: str, password: str) -> Any:
    """A superset-client for ``url`` that logs in on its first request.

    superset-client's OAuth2 session refuses plain http; it is allowed for a Superset on this
    machine only (``http://127.0.0.1``, ``http://localhost``), one request at a time
    (:func:`plain_http_allowed`).
    """
    from supersetapiclient.client import SupersetClient

    class LoopbackClient(SupersetClient):  # type: ignore[misc]
        """SupersetClient whose session requests (the CSRF token and every call after) are scoped."""

        @functools.cached_property
        def session(self) -> Any:
            with plain_http_allowed(url):
                session = SupersetClient.session.func(self)  # logs in, fetches the CSRF token
            send = session.request

            def request(method: str, target: str, *args: Any, **kwargs: Any) -> Any:
                with plain_http_allowed(str(target)):
                    return send(method, target, *args, **kwargs)

            session.request = request
            return session

    return LoopbackClient(host=url, username=username, password=password)


def push(url: str, username: str, password: str, serving_warehouse: Path, work_dir: Path,
         bundle_dir: Path = BUNDLE_DIR) -> int:
    """Import the bundle into the Superset at ``url`` (overwriting every object in it), through its REST API.

    The database entry is rendered for the warehouse Superset reads (:func:`superset_database`); a
    PostgreSQL password travels in the request's ``passwords`` field only.

    Returns:
        Number of dashboards in Superset afterwards.
    """
    database = superset_database(serving_warehouse)
    bundle = render_bundle(serving_warehouse, work_dir / "closedloop_dashboards.zip", bundle_dir, database)
    api = client(url, username, password)
    with bundle.open("rb") as handle:
        response = api.post(f"{url.rstrip('/')}/api/v1/assets/import/",
                            files={"bundle": (bundle.name, handle, "application/zip")},
                            data={"passwords": json.dumps(database.import_passwords())})
    if response.status_code != 200:
        raise ClosedloopError(f"Superset at {url} refused the bundle: {response.status_code} {response.text[:500]}")
    count = int(api.get(f"{url.rstrip('/')}/api/v1/dashboard/").json()["count"])
    log.info(f"dashboards pushed to {url}: {count} dashboards")
    return count


@dataclass(frozen=True)
class ChartData:
    """Result of one chart's data query.

    Attributes:
        chart_id: Superset id.
        title: Chart name.
        rows: Rows the query returned (-1 when it failed).
        error: Error message, if any.
    """

    chart_id: int
    title: str
    rows: int
    error: str | None = None


def query_context(params: dict[str, Any], datasource_id: int) -> dict[str, Any]:
    """The chart-data request for a chart's saved form data (the chart types of :mod:`dashboards.spec`)."""
    columns: list[Any] = []
    if params.get("x_axis"):
        columns.append({"columnType": "BASE_AXIS", "sqlExpression": params["x_axis"], "label": params["x_axis"],
                        "expressionType": "SQL", "timeGrain": params.get("time_grain_sqla")})
    columns += params.get("groupby") or []
    if params.get("query_mode") == "raw":
        columns, metrics = list(params.get("all_columns") or []), []
    else:
        metrics = list(params.get("metrics") or ([params["metric"]] if params.get("metric") else []))
    adhoc = [f for f in params.get("adhoc_filters") or [] if f.get("clause") == "WHERE"]
    where = " AND ".join(f"({f['sqlExpression']})" for f in adhoc if f.get("expressionType") == "SQL")
    filters = [{"col": f["subject"], "op": f["operator"], "val": f.get("comparator")} for f in adhoc
               if f.get("expressionType") == "SIMPLE"]
    query = {"columns": columns, "metrics": metrics, "filters": filters, "row_limit": params.get("row_limit") or 1000,
             "extras": {"time_grain_sqla": params.get("time_grain_sqla"), "where": where},
             "time_range": "No filter"}
    if metrics and params.get("viz_type") != "big_number":
        query["orderby"] = [[metrics[0], False]]
    return {"datasource": {"id": datasource_id, "type": "table"}, "force": True, "queries": [query],
            "form_data": params, "result_format": "json", "result_type": "full"}


def chart_data(api: Any, url: str) -> list[ChartData]:
    """Run every chart's data query through the REST API; one :class:`ChartData` per chart."""
    base = url.rstrip("/")
    listing = api.get(f"{base}/api/v1/chart/", params={"q": "(page_size:100)"}).json()["result"]
    results = []
    for item in listing:
        chart = api.get(f"{base}/api/v1/chart/{item['id']}").json()["result"]
        params = json.loads(chart["params"])
        datasource_id = int(params["datasource"].split("__")[0])
        response = api.post(f"{base}/api/v1/chart/data", json=query_context(params, datasource_id))
        if response.status_code != 200:
            results.append(ChartData(item["id"], chart["slice_name"], -1, response.text[:300]))
            continue
        result = response.json()["result"][0]
        results.append(ChartData(item["id"], chart["slice_name"], int(result.get("rowcount", 0)),
                                 result.get("error")))
    return results
