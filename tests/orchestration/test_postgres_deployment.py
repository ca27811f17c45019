"""A Dagster deployment on PostgreSQL: code server, webserver and daemon as separate processes (``make test-postgres``).

The code location runs as ``dagster api grpc``; ``dagster-webserver`` and ``dagster-daemon run`` load
it through a workspace file and share an instance whose runs, events and schedules live in
PostgreSQL (``CLOSEDLOOP_DAGSTER_STORAGE_URL``). Two runs submitted together through the webserver's
GraphQL API must both succeed, one after the other, instead of the second failing on the run lock.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests

from closedloop.core.dagster_yaml import write_dagster_yaml
from closedloop.core.pg import dagster_storage_url

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

BIN = Path(sys.executable).parent
LAUNCH = """mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _new_database(admin_url: str, prefix: str) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'create database "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def deployment(tmp_path: Path, pg_server_url: str, dbt_manifest: Path, monkeypatch: pytest.MonkeyPatch,
               run_closedloop: Callable[..., subprocess.CompletedProcess[str]]) -> Iterator[dict[str, Any]]:
    """A small demo, then the gRPC code server, the webserver and the daemon on a PostgreSQL-backed instance."""
    home, data = tmp_path / "state", tmp_path / "demo"
    generated = run_closedloop("demo-data", "--out", str(data), "--tickets", "200", "--seed", "7", home=home)
    assert generated.returncode == 0, generated.stderr
    storage = _new_database(pg_server_url, "dagster")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOSEDLOOP_", "DAGSTER_", "DBT_"))} | {
        "CLOSEDLOOP_HOME": str(home), "CLOSEDLOOP_DATA": str(data), "DAGSTER_HOME": str(home / "dagster"),
        "CLOSEDLOOP_WAREHOUSE_URL": _new_database(pg_server_url, "warehouse"),
        "CLOSEDLOOP_DAGSTER_STORAGE_URL": storage,
        "CLOSEDLOOP_DAGSTER_SQLALCHEMY_URL": dagster_storage_url(storage)}
    for name in ("CLOSEDLOOP_DAGSTER_STORAGE_URL", "CLOSEDLOOP_DAGSTER_SQLALCHEMY_URL", "DAGSTER_HOME"):
        monkeypatch.setenv(name, env[name])
    (home / "dagster").mkdir(parents=True)
    write_dagster_yaml(home / "dagster" / "dagster.yaml")  # what `closedloop` writes on its first start
    grpc_port, web_port = _free_port(), _free_port()
    workspace = tmp_path / "workspace.yaml"
    workspace.write_text("load_from:\n  - grpc_server:\n      host: 127.0.0.1\n"
                         f"      port: {grpc_port}\n      location_name: closedloop\n", encoding="utf-8")
    commands = {
        "code": [str(BIN / "dagster"), "api", "grpc", "-m", "orchestration.definitions", "-h", "127.0.0.1",
                 "-p", str(grpc_port), "--location-name", "closedloop"],
        "daemon": [str(BIN / "dagster-daemon"), "run", "-w", str(workspace)],
        "webserver": [str(BIN / "dagster-webserver"), "-w", str(workspace), "-h", "127.0.0.1",
                      "-p", str(web_port)]}
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name, command in commands.items():
            log = (tmp_path / f"{name}.log").open("wb")
            processes[name] = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                               cwd=tmp_path)
            if name == "code":
                _wait_for_port(grpc_port, processes[name], tmp_path / "code.log")
        yield {"url": f"http://127.0.0.1:{web_port}/graphql", "logs": tmp_path, "processes": processes}
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(1)
    pytest.fail(f"nothing listens on {port} after {timeout} s: {log.read_text(errors='replace')[-3000:]}")


def _launch(deployment: dict[str, Any], timeout: float = 180) -> str:
    """Submit a run of the pipeline job's ticket ingest through the webserver; its run id."""
    params = {"selector": {"repositoryLocationName": "closedloop", "repositoryName": "__repository__",
                           "jobName": "closedloop_pipeline", "assetSelection": [{"path": ["raw_tickets"]}]},
              "runConfigData": {}}
    deadline, answer = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        for name, process in deployment["processes"].items():
            log = deployment["logs"] / f"{name}.log"
            assert process.poll() is None, f"{name} ended: {log.read_text(errors='replace')[-3000:]}"
        try:
            answer = requests.post(deployment["url"], json={"query": LAUNCH, "variables": {"params": params}},
                                   timeout=60).json()
        except requests.ConnectionError:
            answer = None
        launched = (answer or {}).get("data", {}).get("launchRun") or {}
        if launched.get("__typename") == "LaunchRunSuccess":
            return str(launched["run"]["runId"])
        time.sleep(2)  # the webserver is still starting or still loading the code location
    pytest.fail(f"the webserver did not launch a run: {answer}")


def _wait_for_runs(run_ids: list[str], timeout: float = 240) -> tuple[list[Any], set[tuple[str, ...]]]:
    """Poll the PostgreSQL-backed instance until every run ends; the records and every status pair seen."""
    import dagster as dg

    seen: set[tuple[str, ...]] = set()
    deadline = time.monotonic() + timeout
    with dg.DagsterInstance.get() as instance:
        while time.monotonic() < deadline:
            records = instance.get_run_records(filters=dg.RunsFilter(run_ids=run_ids))
            by_id = {r.dagster_run.run_id: r for r in records}
            statuses = tuple(by_id[i].dagster_run.status.value for i in run_ids)
            seen.add(statuses)
            if all(by_id[i].dagster_run.is_finished for i in run_ids):
                return [by_id[i] for i in run_ids], seen
            time.sleep(0.5)
    pytest.fail(f"runs still unfinished after {timeout} s: {seen}")


def test_two_runs_submitted_together_queue_and_both_succeed_one_after_the_other(deployment: dict[str, Any]):
    first = _launch(deployment)
    second = _launch(deployment, timeout=30)
    records, seen = _wait_for_runs([first, second])
    logs = {p.name: p.read_text(errors="replace")[-2000:] for p in deployment["logs"].glob("*.log")}
    assert [r.dagster_run.status.value for r in records] == ["SUCCESS", "SUCCESS"], logs
    # While one ran, the other waited in the queue.
    running = {"STARTING", "STARTED", "SUCCESS"}
    assert any({a, b} & running and "QUEUED" in (a, b) for a, b in seen), seen
    spans = sorted((r.start_time, r.end_time) for r in records)
    assert all(start is not None and end is not None for start, end in spans)
    assert spans[0][1] <= spans[1][0], f"the runs overlapped: {spans}"
    assert all(p.poll() is None for p in deployment["processes"].values()), logs
