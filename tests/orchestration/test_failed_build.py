"""A failed dbt build never publishes; dbt dies with a killed run; two runs at once: one writes, one is refused.

One small real pipeline (300 demo tickets, the real CLI, Dagster, dbt and DuckDB), taken through a
green run, a run whose dbt relationship test fails (a ticket of a group that does not exist,
inserted straight into ``raw.tickets``: the ingest expectations do not check relationships, dbt
does), a run killed with SIGKILL while ``dbt build`` runs, and two runs started together.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

pytestmark = pytest.mark.slow

CLI = str(Path(sys.executable).with_name("closedloop"))
BAD_GROUP = "987654"


def _env(home: Path) -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("CLOSEDLOOP_", "DAGSTER_", "DBT_"))} | {"CLOSEDLOOP_HOME": str(home)}


def _processes() -> dict[int, tuple[str, int, list[str]]]:
    """pid -> (state, parent pid, command line) of every process, from /proc."""
    out: dict[int, tuple[str, int, list[str]]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        out[int(entry.name)] = (fields[0], int(fields[1]), [a.decode(errors="replace") for a in argv if a])
    return out


def _dbt_builds_under(pid: int) -> set[int]:
    """Pids of ``dbt build`` processes descending from ``pid``."""
    processes, found, frontier = _processes(), set(), [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, (_, ppid, _) in processes.items() if ppid == parent]
        frontier += children
        found |= {c for c in children if any(a.endswith("dbt") for a in processes[c][2])
                  and "build" in processes[c][2]}
    return found


def _alive(pids: set[int]) -> set[int]:
    processes = _processes()
    return {p for p in pids if p in processes and processes[p][0] != "Z"}


def _fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def _kill_while_dbt_builds(home: Path, data: Path) -> dict[str, Any]:
    """Start `closedloop run`, SIGKILL it once its `dbt build` child runs; how long dbt outlived it."""
    run = subprocess.Popen([CLI, "run", "--data", str(data)], env=_env(home), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    deadline, dbt = time.monotonic() + 600, set()
    while not dbt and time.monotonic() < deadline and run.poll() is None:
        dbt = _dbt_builds_under(run.pid)
        time.sleep(0.2)
    time.sleep(2)  # dbt is well into the build, holding the warehouse
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    killed, survivors = time.monotonic(), _alive(dbt)
    while survivors and time.monotonic() - killed < 10:
        time.sleep(0.1)
        survivors = _alive(dbt)
    for pid in survivors:  # do not leave a stray dbt behind, whatever the assertions say
        os.kill(pid, signal.SIGKILL)
    return {"dbt": dbt, "survivors": survivors, "seconds": time.monotonic() - killed}


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory, run_closedloop: Callable[..., Any]) -> dict[str, Any]:
    """Green run, failed run (with summary and report), killed run, then two runs started together."""
    root = tmp_path_factory.mktemp("failed_build")
    home, data, out = root / "state", root / "demo", root / "reports"
    assert run_closedloop("demo-data", "--out", str(data), "--tickets", "300", "--seed", "3", "--quarters", "4",
                          home=home).returncode == 0
    green = run_closedloop("run", "--data", str(data), home=home)
    assert green.returncode == 0, green.stdout[-3000:] + green.stderr[-3000:]
    serving = home / "serving" / "closedloop.duckdb"
    before = _fingerprint(serving)
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        con.execute(f"insert into raw.tickets select * replace ('{BAD_GROUP}' as group_id, 'x' || ticket_id as "
                    "ticket_id) from raw.tickets order by ticket_id limit 2")
        quarter = con.execute("select max(quarter_key) from marts.fct_support_quarterly "
                              "where tickets_resolved > 0").fetchone()[0]  # type: ignore[index]
    failed = run_closedloop("run", "--data", str(data), home=home)
    after_failure = _fingerprint(serving)
    summary = run_closedloop("summary", home=home)
    report = run_closedloop("report", "--quarter", quarter, "--out", str(out), home=home)
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        con.execute("delete from raw.tickets where starts_with(ticket_id, 'x')")
    killed = _kill_while_dbt_builds(home, data)
    pair = [subprocess.Popen([CLI, "run", "--data", str(data)], env=_env(home), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=900) for p in pair]
    together = [(p.returncode, o, e) for p, (o, e) in zip(pair, outputs, strict=True)]
    return {"home": home, "failed": failed, "before": before, "after_failure": after_failure, "summary": summary,
            "report": report, "quarter": quarter, "out": out, "killed": killed, "together": together,
            "final": _fingerprint(serving)}


def test_a_failing_dbt_test_leaves_the_serving_copy_byte_for_byte_unchanged(story: dict[str, Any]) -> None:
    assert story["failed"].returncode == 1
    assert "serving warehouse:" not in story["failed"].stdout, "serving_warehouse must not materialize"
    assert story["after_failure"] == story["before"]


def test_the_failed_run_names_the_failing_test_its_model_and_the_rows_behind_it(story: dict[str, Any]) -> None:
    stderr = story["failed"].stderr
    assert "dbt build FAILED at" in stderr
    assert "dbt test relationships_stg_helpdesk__tickets_group_id" in stderr
    assert "on stg_helpdesk__tickets failed, 2 failing row(s)" in stderr
    assert stderr.count(BAD_GROUP) == 2, stderr
    assert "Traceback" not in stderr + story["failed"].stdout


def test_the_report_still_builds_from_the_last_published_marts(story: dict[str, Any]) -> None:
    report = story["report"]
    assert report.returncode == 0, report.stderr
    assert (story["out"] / f"report-{story['quarter']}.pdf").read_bytes().startswith(b"%PDF")
    assert "the last build FAILED at" in report.stdout + report.stderr
    assert "this report reads the marts published at" in report.stdout + report.stderr


def test_the_summary_says_the_warehouses_last_build_failed(story: dict[str, Any]) -> None:
    text = " ".join(story["summary"].stdout.split())
    assert "the warehouse's last build FAILED at" in text
    assert "Reports and dashboards read the marts published at" in text


def test_killing_the_run_kills_its_dbt_build_within_seconds(story: dict[str, Any]) -> None:
    killed = story["killed"]
    assert killed["dbt"], "the run never started dbt build"
    assert killed["survivors"] == set()
    assert killed["seconds"] < 5


def test_of_two_runs_started_together_one_writes_and_the_other_is_refused(story: dict[str, Any]) -> None:
    codes = sorted(code for code, _, _ in story["together"])
    assert codes == [0, 2], [(c, e[-2000:]) for c, _, e in story["together"]]
    refused = next(err for code, _, err in story["together"] if code == 2)
    assert "another run, pid" in refused
    assert "is writing this warehouse" in refused
    assert "Traceback" not in refused


def test_the_run_after_a_killed_one_succeeds_and_publishes_again(story: dict[str, Any]) -> None:
    winner = next(out for code, out, _ in story["together"] if code == 0)
    assert "pipeline succeeded" in winner
    assert "serving warehouse:" in winner
    assert story["final"] != story["before"]
