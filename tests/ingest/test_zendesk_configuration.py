"""The Zendesk connector loads the account's schedules, their holidays and its SLA policies."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb

from closedloop.ingest import load_all


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_schedules_from_an_api_page_keep_their_time_zone_and_intervals(export_dir, warehouse):
    page = {"schedules": [{"id": 360001, "name": "Pacific", "time_zone": "America/Los_Angeles",
                           "intervals": [{"start_time": 1980, "end_time": 2460}],
                           "created_at": "2020-01-01T00:00:00Z", "updated_at": "2021-01-01T00:00:00Z"}]}
    (export_dir / "zendesk").mkdir(parents=True, exist_ok=True)
    (export_dir / "zendesk/schedules.json").write_text(json.dumps(page), encoding="utf-8")
    load_all(warehouse, export_dir)
    rows = _rows(warehouse, "SELECT schedule_id, name, time_zone, intervals, created_at::VARCHAR FROM raw.schedules")
    assert rows == [("360001", "Pacific", "America/Los_Angeles", '[{"start_time":1980,"end_time":2460}]',
                     "2020-01-01 00:00:00")]


def test_a_holiday_without_its_schedule_is_quarantined_and_the_others_load(export_dir, warehouse, jsonl):
    jsonl(export_dir / "zendesk/schedule_holidays.jsonl", [
        {"id": 1, "schedule_id": 360001, "name": "Christmas", "start_date": "2024-12-25", "end_date": "2024-12-26"},
        {"id": 2, "name": "New Year", "start_date": "2025-01-01", "end_date": "2025-01-01"},
    ])
    load_all(warehouse, export_dir)
    assert _rows(warehouse, "SELECT holiday_id, schedule_id, start_date::DATE::VARCHAR, end_date::DATE::VARCHAR "
                            "FROM raw.schedule_holidays") == [("1", "360001", "2024-12-25", "2024-12-26")]
    assert _rows(warehouse, "SELECT entity, source_line, field FROM raw.quarantine") == [
        ("schedule_holidays", 2, "schedule_id")]


def test_sla_policies_keep_their_position_filter_and_metrics(export_dir, warehouse, jsonl):
    policy_filter = {"all": [{"field": "priority", "operator": "is", "value": "urgent"}], "any": []}
    metrics = [{"priority": "urgent", "metric": "first_reply_time", "target": 30, "business_hours": False}]
    jsonl(export_dir / "zendesk/sla_policies.jsonl", [
        {"id": 25, "title": "Urgent", "position": 2, "filter": policy_filter, "policy_metrics": metrics}])
    load_all(warehouse, export_dir)
    [(policy_id, title, position, stored_filter, stored_metrics)] = _rows(
        warehouse, "SELECT policy_id, title, position, filter, policy_metrics FROM raw.sla_policies")
    assert (policy_id, title, position) == ("25", "Urgent", 2)
    assert (json.loads(stored_filter), json.loads(stored_metrics)) == (policy_filter, metrics)


def test_holidays_on_next_years_calendar_load_and_an_absurd_one_is_quarantined(export_dir, warehouse, jsonl):
    """Holidays are planned ahead: the "now + 1 day" bound of event timestamps does not apply to them."""
    next_year = date.today().year + 1
    jsonl(export_dir / "zendesk/schedules.jsonl", [{"id": 360001, "name": "Pacific", "time_zone": "UTC",
                                                    "intervals": [{"start_time": 1980, "end_time": 2460}]}])
    jsonl(export_dir / "zendesk/schedule_holidays.jsonl", [
        {"id": 1, "schedule_id": 360001, "name": "Christmas", "start_date": f"{next_year}-12-25",
         "end_date": f"{next_year}-12-26"},
        {"id": 2, "schedule_id": 360001, "name": "Typo", "start_date": "9024-12-25", "end_date": "9024-12-26"},
    ])
    load_all(warehouse, export_dir)
    assert _rows(warehouse, "SELECT holiday_id FROM raw.schedule_holidays") == [("1",)]
    assert _rows(warehouse, "SELECT DISTINCT entity, source_line FROM raw.quarantine") == [("schedule_holidays", 2)]
