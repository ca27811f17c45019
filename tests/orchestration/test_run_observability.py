"""What a user sees of a `closedloop run`: the run's Dagster event log, asset metadata, console and log file.

All read the suite's shared demo run (``demo_pipeline``: 1,500 tickets through real Dagster, dbt and the
real model), whose DAGSTER_HOME keeps the run history as the Dagster UI reads it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from closedloop.ingest.load import LOAD_ORDER


@pytest.fixture(scope="module")
def first_run(demo_pipeline: dict[str, Any]) -> dict[str, Any]:
    """The shared demo's first run as its instance stored it: log messages and materializations by asset."""
    with dg.DagsterInstance.from_config(str(demo_pipeline["home"] / "dagster")) as instance:
        run = instance.get_runs()[-1]  # oldest first run; other modules may run the same home again
        messages = [entry.user_message for entry in instance.all_logs(run.run_id) if entry.dagster_event is None]
        materialized = {entry.asset_materialization.asset_key.to_user_string():
                        {key: value.value for key, value in entry.asset_materialization.metadata.items()}
                        for entry in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
                        if entry.asset_materialization is not None}
    return {"messages": messages, "materialized": materialized}


def _count_lines(text: str, pattern: str) -> int:
    return len(re.findall(pattern, text, flags=re.MULTILINE))


def test_the_runs_event_log_holds_the_theme_and_dbt_stage_lines(first_run):
    messages = first_run["messages"]
    assert any(re.match(r"themes: embedding [\d,]+ ticket texts", m) for m in messages), messages
    assert any(re.match(r"themes \(fit\): 1,500 tickets, 1,500 new, [\d,]+ embedded, \d+ themes", m)
               for m in messages), messages
    assert any(re.match(r"theme-item candidates: [\d,]+ for [\d,]+ items", m) for m in messages), messages
    assert any(re.match(r"dbt build: \d+ models/seeds built, \d+ tests \(0 failed\)", m) for m in messages)
    assert any(m.startswith("raw_tickets: ") for m in messages)


def test_each_raw_table_materialization_records_rows_quarantine_and_seconds(first_run):
    raw = {key: meta for key, meta in first_run["materialized"].items() if key.startswith("raw_")}
    assert sorted(raw) == sorted(f"raw_{entity}" for entity in LOAD_ORDER)
    for key, meta in raw.items():
        assert meta["rows_quarantined"] == 0, key
        # The demo exports no account configuration: its tiers come from the dbt seeds.
        assert meta["rows_valid"] > 0 or key == "raw_group_tiers", key
        assert meta["seconds"] >= 0, key
    assert raw["raw_tickets"]["dagster/row_count"] == 1500


def test_theme_and_link_materializations_record_counts_cache_use_and_seconds(first_run):
    themes = first_run["materialized"]["topics_themes"]
    assert themes["themes"] > 0
    assert themes["tickets"] == 1500
    assert themes["embedded"] > 0
    assert themes["embedded"] + themes["from_cache"] <= 1500
    assert themes["seconds"] > 0
    links = first_run["materialized"]["topics_theme_item_candidates"]
    assert links["candidates"] > 0
    assert links["embedded"] + links["from_cache"] > 0
    assert links["seconds"] > 0


def test_the_console_prints_each_stage_line_once_and_no_dbt_chatter(demo_pipeline):
    out = demo_pipeline["run"].stdout
    for stage in ("raw_tickets", "raw_ticket_events", "raw_backlog_items"):
        assert _count_lines(out, rf"^\d\d:\d\d:\d\d  {stage}: ") == 1, out
    assert _count_lines(out, r"dbt build: \d+ models") == 1
    assert " START sql " not in out
    output = Path(demo_pipeline["home"]) / "logs" / "run-output.log"
    assert " START sql " in output.read_text(encoding="utf-8"), "dbt's own lines belong in the run output file"


def test_the_log_file_keeps_every_commands_lines_with_date_level_and_logger(demo_pipeline):
    text = (Path(demo_pipeline["home"]) / "logs" / "closedloop.log").read_text(encoding="utf-8")
    stamp = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO +"
    assert _count_lines(text, stamp + r"closedloop\.demo: demo data: [\d,]+ tickets") == 1
    assert _count_lines(text, stamp + r"closedloop\.ingest: raw_tickets: ") >= 1
    assert _count_lines(text, stamp + r"closedloop\.\w+: themes \(fit\): ") >= 1
    assert _count_lines(text, stamp + r"closedloop\.pipeline: dbt build: ") >= 1
    assert _count_lines(text, stamp + r"closedloop\.pipeline: pipeline succeeded") >= 1
