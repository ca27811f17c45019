"""The demo help desk's configuration exports: business-hours schedules, holidays, SLA policies.

They say what the dbt seeds say (dbt_project/seeds: business_schedules, schedule_hours,
holidays, sla_policies), in Zendesk's API shapes, so the demo exercises the exported path and
its marts stay what the seeds give: a 24/7 schedule (the first created, so the default) and
Mon-Fri 09:00-18:00 UTC closed on New Year's Day, Christmas Day and Boxing Day; one policy
giving every priority a 10-minute first reply in business hours. The schedules are named after
the seed's schedule ids, which ``support_tiers`` names.
"""

from __future__ import annotations

from pathlib import Path

from closedloop.demo.writers import dumps, open_text

DAY = 1_440
SCHEDULE_IDS = {"always_open": 360_000_000_201, "business_hours": 360_000_000_202}
HOLIDAY_YEARS = range(2020, 2031)


def schedule_records(created_iso: str, business_created_iso: str) -> list[dict[str, object]]:
    """The two schedules as ``GET /api/v2/business_hours/schedules`` lists them."""
    always = [{"start_time": d * DAY, "end_time": (d + 1) * DAY} for d in range(7)]
    weekdays = [{"start_time": d * DAY + 540, "end_time": d * DAY + 1_080} for d in range(1, 6)]
    return [
        {"id": SCHEDULE_IDS["always_open"], "name": "always_open", "time_zone": "UTC", "intervals": always,
         "created_at": created_iso, "updated_at": created_iso},
        {"id": SCHEDULE_IDS["business_hours"], "name": "business_hours", "time_zone": "UTC", "intervals": weekdays,
         "created_at": business_created_iso, "updated_at": business_created_iso},
    ]


def holiday_records() -> list[dict[str, object]]:
    """The business-hours schedule's holidays, each with the ``schedule_id`` it belongs to."""
    records: list[dict[str, object]] = []
    for year in HOLIDAY_YEARS:
        for name, start, end in (("New Year's Day", "01-01", "01-01"), ("Christmas", "12-25", "12-26")):
            records.append({"id": 360_000_100_000 + len(records), "schedule_id": SCHEDULE_IDS["business_hours"],
                            "name": name, "start_date": f"{year}-{start}", "end_date": f"{year}-{end}"})
    return records


def sla_policy_records() -> list[dict[str, object]]:
    """One SLA policy, as ``GET /api/v2/slas/policies`` lists it: matches every ticket."""
    metrics = [{"priority": p, "metric": "first_reply_time", "target": 10, "business_hours": True}
               for p in ("low", "normal", "high", "urgent")]
    return [{"id": 360_000_000_301, "title": "Every ticket: first reply in 10 minutes", "position": 1,
             "filter": {"all": [], "any": []}, "policy_metrics": metrics}]


def write_helpdesk_config(zendesk: Path, created_iso: str, business_created_iso: str) -> None:
    """Write ``schedules.jsonl``, ``schedule_holidays.jsonl`` and ``sla_policies.jsonl`` to ``zendesk``."""
    for name, records in (("schedules", schedule_records(created_iso, business_created_iso)),
                          ("schedule_holidays", holiday_records()), ("sla_policies", sla_policy_records())):
        with open_text(zendesk / f"{name}.jsonl") as handle:
            for record in records:
                handle.write(dumps(record) + "\n")
