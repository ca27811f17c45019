"""`closedloop demo-data` + `closedloop run`: the whole pipeline as a user runs it (real Dagster, real dbt)."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

CLI = str(Path(sys.executable).with_name("closedloop"))


def _run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CLOSEDLOOP_", "DAGSTER_", "DBT_"))} | {"CLOSEDLOOP_HOME": str(home)}
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=env, timeout=900, check=False)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("pipeline")
    home, data = root / "state", root / "demo"
    generated = _run("demo-data", "--out", str(data), "--tickets", "1500", "--seed", "3", home=home)
    assert generated.returncode == 0, generated.stderr
    first = _run("run", "--data", str(data), home=home)
    second = _run("run", "--data", str(data), home=home)
    summary = _run("summary", home=home)
    return {"home": home, "data": data, "first": first, "second": second, "summary": summary}


def _query(home: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_run_succeeds_and_prints_a_line_per_stage_with_counts_and_seconds(pipeline):
    first = pipeline["first"]
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    for stage in ("raw_tickets", "raw_ticket_events", "raw_satisfaction_ratings", "raw_qa_audits",
                  "raw_backlog_items"):
        assert re.search(rf"{stage}: [\d,]+ read .* in [\d.]+s", first.stdout), stage
    assert re.search(r"check tickets_meet_expectations on [\d,]+ rows: passed", first.stdout)
    assert re.search(r"dbt build: \d+ models/seeds built, \d+ tests \(0 failed\)", first.stdout)
    assert "pipeline succeeded" in first.stdout


def test_every_resolved_demo_ticket_lands_in_raw_and_staging(pipeline):
    with (pipeline["data"] / "truth" / "tickets.csv").open() as handle:
        truth_ids = {row["ticket_id"] for row in csv.DictReader(handle)}
    assert {r[0] for r in _query(pipeline["home"], "SELECT ticket_id FROM raw.tickets")} == truth_ids
    assert _query(pipeline["home"], "SELECT count(*) FROM staging.stg_helpdesk__tickets") == [(len(truth_ids),)]
    assert _query(pipeline["home"], "SELECT count(*) FROM raw.quarantine") == [(0,)]


def test_personal_data_does_not_leave_the_raw_layer(pipeline):
    home = pipeline["home"]
    email = r"'[\w.+-]+@[\w-]+\.\w+'"
    raw_with_email = _query(home, f"SELECT count(*) FROM raw.tickets WHERE regexp_matches(body, {email})")
    assert raw_with_email[0][0] > 0, "the demo should plant emails in ticket text"
    leaked = _query(home, f"SELECT count(*) FROM staging.stg_helpdesk__tickets WHERE regexp_matches(body, {email}) "
                          "OR regexp_matches(body, '0x[0-9a-fA-F]{40}')")
    assert leaked == [(0,)]
    placeholders = _query(home, "SELECT count(*) FROM staging.stg_helpdesk__tickets WHERE body LIKE '%<EMAIL>%'")
    assert placeholders[0][0] > 0


def test_running_again_on_the_same_exports_adds_no_rows(pipeline):
    second = pipeline["second"]
    assert second.returncode == 0, second.stdout[-3000:]
    added = re.findall(r"raw_\w+: .* in table \(([+-][\d,]+)\)", second.stdout)
    assert added, second.stdout
    assert set(added) == {"+0"}


def test_summary_lists_what_was_built_and_where_to_look(pipeline):
    out = pipeline["summary"].stdout
    assert "raw: " in out.replace("  ", " ")
    assert "tickets (1,500)" in out
    assert "marts" in out
    assert "make dev" in out


def test_state_lives_under_closedloop_home_with_dagster_telemetry_off(pipeline):
    home = pipeline["home"]
    assert (home / "warehouse.duckdb").exists()
    assert "enabled: false" in (home / "dagster" / "dagster.yaml").read_text()
    assert (home / "dbt" / "target" / "manifest.json").exists()
    assert any((home / "dagster").iterdir())
