"""`closedloop demo-data` + `closedloop run`: the whole pipeline as a user runs it (real Dagster, real dbt)."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest


@pytest.fixture(scope="module")
def pipeline(demo_pipeline: dict[str, Any], run_closedloop: Callable[..., Any]) -> dict[str, object]:
    """The shared demo run, then a second run on the same exports and the summary."""
    home, data = demo_pipeline["home"], demo_pipeline["data"]
    second = run_closedloop("run", "--data", str(data), home=home)
    summary = run_closedloop("summary", home=home)
    return {"home": home, "data": data, "first": demo_pipeline["run"], "second": second,
            "summary": summary}


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


def test_summary_names_the_export_folder_the_run_read(pipeline):
    lines = [line for line in pipeline["summary"].stdout.splitlines() if line.startswith("exports")]
    assert lines == [f"exports     {pipeline['data']}"]


def test_state_lives_under_closedloop_home_with_dagster_telemetry_off(pipeline):
    home = pipeline["home"]
    assert (home / "warehouse.duckdb").exists()
    assert "enabled: false" in (home / "dagster" / "dagster.yaml").read_text()
    assert any((home / "dbt" / "target").rglob("manifest.json")), "dbt's run artefacts stay under the home"
    assert any((home / "dagster").iterdir())
