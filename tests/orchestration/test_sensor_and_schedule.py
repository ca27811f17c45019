"""The inbox sensor starts a run for new export files; the daily schedule runs every asset."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from orchestration.defs.ingest.schedules import build_daily_schedule
from orchestration.defs.ingest.sensors import build_new_exports_sensor

JOB = dg.define_asset_job("closedloop_pipeline", selection=dg.AssetSelection.all())


def _inbox() -> Path:
    inbox = Path(os.environ["CLOSEDLOOP_HOME"]) / "inbox"
    (inbox / "zendesk").mkdir(parents=True, exist_ok=True)
    return inbox


def test_new_export_in_the_inbox_requests_one_run_and_is_not_requested_again():
    sensor = build_new_exports_sensor(JOB)
    (_inbox() / "zendesk/tickets-2024-06-01.jsonl").write_text('{"id": 1}\n')
    first = sensor.evaluate_tick(dg.build_sensor_context())
    assert len(first.run_requests) == 1
    assert first.run_requests[0].tags["closedloop/new_files"] == "1"
    again = sensor.evaluate_tick(dg.build_sensor_context(cursor=first.cursor))
    assert again.run_requests == []
    assert "no new export files" in (again.skip_message or "")


def test_empty_inbox_skips_with_a_reason():
    sensor = build_new_exports_sensor(JOB)
    _inbox()
    result = sensor.evaluate_tick(dg.build_sensor_context())
    assert result.run_requests == []
    assert "no new export files" in (result.skip_message or "")


def test_daily_schedule_runs_the_whole_pipeline_at_six_utc():
    schedule = build_daily_schedule(JOB)
    assert schedule.cron_schedule == "0 6 * * *"
    assert schedule.execution_timezone == "UTC"
    assert schedule.job_name == "closedloop_pipeline"
