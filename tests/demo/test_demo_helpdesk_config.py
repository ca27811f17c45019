"""The demo's schedules, holidays and SLA policy say what the dbt seeds say, in Zendesk's shapes."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from closedloop.demo.generate import DemoSummary

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
ISO_DAY = {0: 7, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6}  # Zendesk counts from Sunday


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _seed(name: str) -> list[dict[str, str]]:
    with (SEEDS / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def test_demo_schedules_have_the_seed_s_hours_and_the_first_created_is_the_seed_s_default(demo: DemoSummary) -> None:
    schedules = _lines(demo.out / "zendesk" / "schedules.jsonl")
    hours = {(s["name"], ISO_DAY[i["start_time"] // 1440], _clock(i["start_time"] % 1440),
              _clock(i["end_time"] - i["start_time"] // 1440 * 1440))
             for s in schedules for i in s["intervals"]}
    assert hours == {(r["schedule_id"], int(r["iso_day_of_week"]), r["opens_at"], r["closes_at"])
                     for r in _seed("schedule_hours")}
    first = min(schedules, key=lambda s: s["created_at"])
    assert [r["schedule_id"] for r in _seed("business_schedules") if r["is_default"] == "true"] == [first["name"]]
    assert {s["time_zone"] for s in schedules} == {r["time_zone"] for r in _seed("business_schedules")}


def test_demo_holidays_are_the_seed_s_days_on_the_schedule_that_observes_them(demo: DemoSummary) -> None:
    schedules = {s["id"]: s["name"] for s in _lines(demo.out / "zendesk" / "schedules.jsonl")}
    days: set[tuple[str, str]] = set()
    for holiday in _lines(demo.out / "zendesk" / "schedule_holidays.jsonl"):
        start, end = holiday["start_date"], holiday["end_date"]
        days.add((schedules[holiday["schedule_id"]], start))
        if end != start:
            days.add((schedules[holiday["schedule_id"]], end))
    observing = [r["schedule_id"] for r in _seed("business_schedules") if r["observes_holidays"] == "true"]
    assert days == {(s, r["holiday_date"]) for s in observing for r in _seed("holidays")}


def test_demo_sla_policy_gives_every_priority_the_seed_s_target(demo: DemoSummary) -> None:
    [policy] = _lines(demo.out / "zendesk" / "sla_policies.jsonl")
    [seed] = _seed("sla_policies")
    assert policy["filter"] == {"all": [], "any": []}
    assert sorted((m["priority"], m["metric"], m["target"], m["business_hours"]) for m in policy["policy_metrics"]) == [
        (p, "first_reply_time", int(seed["target_minutes"]), True) for p in ("high", "low", "normal", "urgent")]
