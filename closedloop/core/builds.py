"""The last dbt build of a warehouse: whether it passed, and when it failed, what failed and the rows behind it.

dbt writes ``run_results.json`` into each invocation's target folder (see
https://docs.getdbt.com/reference/artifacts/run-results-json): one result per node with its
``status`` (``fail`` for a data test whose query returned rows, ``error`` for a model, seed or
test that could not run), ``failures`` (rows the test returned) and ``compiled_code``. The
nodes' names and the model a test checks come from the ``manifest.json`` beside it. A few of
the failing rows are read by running the test's compiled query again, limited to
:data:`SAMPLE_ROWS` rows, on the warehouse (read-only), as ``dbt test --store-failures`` would
have stored them, without writing into the warehouse.

The outcome is kept in ``$CLOSEDLOOP_HOME/last-build.json`` (:func:`record_build`), so the
serving copy is published only after a green build and ``closedloop summary`` and ``closedloop
report`` can say when the last build failed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from closedloop.core.errors import ClosedloopError
from closedloop.core.warehouse import connect_read_only, shared_warehouse

BUILD_RECORD = "last-build.json"
"""File in ``$CLOSEDLOOP_HOME`` with the outcome of the last dbt build."""
SAMPLE_ROWS = 5
FAILED_STATUSES = ("fail", "error")
CELL_CHARS = 60


class DbtBuildFailedError(ClosedloopError):
    """``dbt build`` failed: the message names each failed model or test and a few failing rows."""


@dataclass(frozen=True)
class FailedNode:
    """One model, seed or test that failed in a dbt build.

    Attributes:
        name: The node's name, e.g. ``relationships_stg_helpdesk__tickets_group_id__...``.
        resource_type: ``model``, ``seed``, ``snapshot``, ``test`` or ``unit_test``.
        status: ``fail`` (a test returned rows) or ``error`` (the node could not run).
        model: The model a test checks (``stg_helpdesk__tickets``), or the node's own name.
        failures: Rows the test returned; None for an error.
        message: dbt's message, first line.
        columns: Column names of :attr:`rows`.
        rows: Up to :data:`SAMPLE_ROWS` failing rows, each cell as text.
    """

    name: str
    resource_type: str
    status: str
    model: str
    failures: int | None
    message: str
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()

    def describe(self) -> str:
        """Two or more lines: what failed on which model, then the failing rows."""
        what = "test" if self.resource_type in ("test", "unit_test") else self.resource_type
        count = f", {self.failures:,} failing row(s)" if self.failures else ""
        head = f"dbt {what} {self.name} on {self.model} {'failed' if self.status == 'fail' else 'errored'}{count}"
        lines = [head, f"  {self.message}"] if self.message else [head]
        if self.rows:
            lines.append("  " + " | ".join(self.columns))
            lines += ["  " + " | ".join(row) for row in self.rows]
        return "\n".join(lines)


@dataclass(frozen=True)
class BuildRecord:
    """The outcome of one dbt build.

    Attributes:
        succeeded: Every model, seed and test of severity error passed.
        finished_at: When it ended, ``YYYY-MM-DD HH:MM:SS UTC``.
        failed: What failed (empty when it succeeded).
        skipped: Nodes dbt skipped because something upstream failed.
    """

    succeeded: bool
    finished_at: str
    failed: tuple[FailedNode, ...] = field(default_factory=tuple)
    skipped: int = 0

    def headline(self) -> str:
        """One line: ``succeeded at T`` or ``FAILED at T: 1 test failed (name on model), 12 skipped``."""
        if self.succeeded:
            return f"succeeded at {self.finished_at}"
        names = ", ".join(f"{n.name} on {n.model}" for n in self.failed[:3])
        more = f" and {len(self.failed) - 3} more" if len(self.failed) > 3 else ""
        skipped = f"; {self.skipped} node(s) skipped" if self.skipped else ""
        return f"FAILED at {self.finished_at}: {len(self.failed)} failed ({names}{more}){skipped}"

    def describe(self) -> str:
        """The headline, then each failed node with its rows."""
        return "\n".join([f"dbt build {self.headline()}", *(n.describe() for n in self.failed)])


def now_utc() -> str:
    """The current time as the build record writes it."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _load_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _model_of(node: Mapping[str, Any], nodes: Mapping[str, Any]) -> str:
    """The model a test checks (its ``attached_node``, else its first model dependency), else its own name."""
    attached = node.get("attached_node") or next(
        (d for d in node.get("depends_on", {}).get("nodes", []) if d.startswith(("model.", "seed.", "snapshot."))),
        None)
    if attached and attached in nodes:
        return str(nodes[attached].get("name", attached))
    return str(node.get("name", "?"))


def failed_nodes(run_results: Mapping[str, Any], manifest: Mapping[str, Any]) -> list[tuple[FailedNode, str]]:
    """The failed nodes of ``run_results.json``, each with its compiled SQL (empty when there is none)."""
    nodes: dict[str, Any] = {**manifest.get("nodes", {}), **manifest.get("unit_tests", {})}
    out: list[tuple[FailedNode, str]] = []
    for result in run_results.get("results", []):
        if result.get("status") not in FAILED_STATUSES:
            continue
        unique_id = str(result.get("unique_id", "?"))
        node = nodes.get(unique_id, {})
        message = str(result.get("message") or "").strip()
        failures = result.get("failures")
        out.append((FailedNode(
            name=str(node.get("name") or unique_id.split(".")[-1]),
            resource_type=str(node.get("resource_type") or unique_id.split(".")[0]),
            status=str(result["status"]),
            model=_model_of(node, nodes),
            failures=int(failures) if isinstance(failures, int) and result["status"] == "fail" else None,
            message=message.splitlines()[0] if message else "",
        ), str(result.get("compiled_code") or "")))
    return out


def _cell(value: object) -> str:
    text = "null" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= CELL_CHARS else text[:CELL_CHARS - 1] + "…"


Rows = tuple[tuple[str, ...], ...]


def sample_rows(warehouse: Path, sql: str, limit: int = SAMPLE_ROWS) -> tuple[tuple[str, ...], Rows]:
    """Columns and the first ``limit`` rows of a test's compiled query on ``warehouse`` (read-only).

    Returns empty tuples when the query cannot run (the warehouse is busy, the SQL is not a query).
    """
    if not sql.strip():
        return (), ()
    if (shared := shared_warehouse()) is not None:  # dbt built (and tested) the shared PostgreSQL warehouse
        from closedloop.core.pg import sample_query

        return sample_query(shared, sql, limit, _cell)
    if not warehouse.exists():
        return (), ()
    try:
        con = connect_read_only(warehouse)
    except duckdb.Error:
        return (), ()
    try:
        cursor = con.execute(f"select * from ({sql.strip().rstrip(';')}) as failing limit {int(limit)}")
        columns = tuple(str(d[0]) for d in cursor.description or ())
        return columns, tuple(tuple(_cell(v) for v in row) for row in cursor.fetchall())
    except duckdb.Error:
        return (), ()
    finally:
        con.close()


def read_build(target_path: Path, warehouse: Path, succeeded: bool) -> BuildRecord:
    """The record of the dbt invocation whose artefacts are in ``target_path``.

    Args:
        target_path: The invocation's target folder (``run_results.json``, ``manifest.json``).
        warehouse: The warehouse the build wrote; failing tests' rows are read from it.
        succeeded: dbt's own verdict (its exit code).
    """
    run_results = _load_json(target_path / "run_results.json")
    manifest = _load_json(target_path / "manifest.json")
    failed: list[FailedNode] = []
    for node, sql in failed_nodes(run_results, manifest):
        if node.status == "fail" and node.resource_type == "test":
            columns, rows = sample_rows(warehouse, sql)
            node = FailedNode(**{**asdict(node), "columns": columns, "rows": rows})
        failed.append(node)
    skipped = sum(1 for r in run_results.get("results", []) if r.get("status") == "skipped")
    if not succeeded and not failed:  # dbt stopped before writing results (a parse or connection error)
        failed.append(FailedNode(name="dbt", resource_type="build", status="error", model="the project",
                                 failures=None, message=f"dbt build failed; see {target_path / 'dbt.log'}"))
    return BuildRecord(succeeded=succeeded and not failed, finished_at=now_utc(), failed=tuple(failed),
                       skipped=skipped)


def record_build(home: Path, record: BuildRecord) -> Path:
    """Write ``record`` to ``home/last-build.json`` (temp file, then one rename)."""
    path = home / BUILD_RECORD
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(record), indent=1), encoding="utf-8")
    tmp.replace(path)
    return path


def last_build(home: Path) -> BuildRecord | None:
    """The record of the last dbt build of ``home``'s warehouse, or None when none was recorded."""
    data = _load_json(home / BUILD_RECORD)
    if "succeeded" not in data:
        return None
    failed = tuple(FailedNode(**{**n, "columns": tuple(n.get("columns", ())),
                                 "rows": tuple(tuple(r) for r in n.get("rows", ()))})
                   for n in data.get("failed", []))
    return BuildRecord(succeeded=bool(data["succeeded"]), finished_at=str(data.get("finished_at", "?")),
                       failed=failed, skipped=int(data.get("skipped", 0)))
