"""A real ``dbt build`` on a help desk that exports its schedules, holidays and SLA policies.

The export (all times UTC in the raw tables):

* Schedule 501, named ``business_hours`` (the name ``support_tiers`` gives Engineering), is
  Mon-Fri 09:00-17:00 in America/Los_Angeles, closed on Monday 11 March 2024 (its own holiday).
  Schedule 502, Singapore, Mon-Fri 09:00-18:00 Asia/Singapore, was created first, so it is the
  default: L1 names ``always_open``, which this account does not have, and works it.
* Policies in order: 1 has a condition on the organization, which closedloop cannot evaluate
  (it never matches, and the build warns); 2 is urgent tickets by e-mail or tagged ``outage``,
  a 30-minute first reply in calendar hours; 3 matches everything, 60 business minutes to the
  first reply and 600 of requester wait for normal tickets.

Tickets: 301 (Engineering) waits from Friday 8 March 15:00 PST over the spring-forward weekend
and the holiday to Tuesday 10:30 PDT: 120 + 90 = 210 business minutes, a breach of policy 3.
302 (L1, Singapore) is answered 09:00-10:00 local after waiting from 08:00: 60, met on target.
303 (urgent e-mail) waits 50 calendar minutes, 20 of them in Singapore's hours: policy 2 counts
calendar minutes, breached. 304 (urgent phone, no tag) falls through to policy 3, which has no
urgent target: no SLA outcome.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

DAY = 1_440


def export_rows() -> dict[str, list[dict[str, Any]]]:
    """Raw rows of the account described in the module docstring."""
    events: list[dict[str, Any]] = []

    def event(ticket_id: str, at: str, event_type: str, **fields: Any) -> None:
        number = len(events) + 1
        events.append({"event_id": f"e{number:04d}", "audit_id": f"a{number:04d}", "ticket_id": ticket_id,
                       "created_at": at, "event_type": event_type, **fields})

    def ticket(ticket_id: str, group_id: str, created_at: str, replied_at: str, solved_at: str,
               agent_id: str, **fields: Any) -> dict[str, Any]:
        event(ticket_id, created_at, "create", field_name="group_id", value=group_id)
        event(ticket_id, created_at, "create", field_name="status", value="new")
        event(ticket_id, created_at, "comment", author_id="u" + ticket_id, is_public=True)
        event(ticket_id, replied_at, "comment", author_id=agent_id, is_public=True)
        event(ticket_id, solved_at, "change", field_name="status", value="solved", previous_value="new")
        return {"ticket_id": ticket_id, "created_at": created_at, "updated_at": solved_at, "solved_at": solved_at,
                "status": "solved", "group_id": group_id, "priority": "normal", "channel": "chat",
                "language": "en", "requester_id": "u" + ticket_id, "assignee_id": agent_id, "subject": "Help",
                "subject_redacted": "Help", "body": "Hi", "body_redacted": "Hi", "tags": "[]", **fields}

    tickets = [
        ticket("301", "g4", "2024-03-08 23:00:00", "2024-03-12 17:30:00", "2024-03-12 18:00:00", "a4",
               channel="email"),
        ticket("302", "g2", "2024-03-04 00:00:00", "2024-03-04 02:00:00", "2024-03-04 02:30:00", "a1"),
        ticket("303", "g2", "2024-03-04 00:30:00", "2024-03-04 01:20:00", "2024-03-04 02:00:00", "a1",
               priority="urgent", channel="email", tags='["outage"]'),
        ticket("304", "g2", "2024-03-04 01:00:00", "2024-03-04 01:10:00", "2024-03-04 02:00:00", "a1",
               priority="urgent", channel="phone", tags='["billing"]'),
    ]
    weekdays = [{"start_time": d * DAY + 540, "end_time": d * DAY + 1_020} for d in range(1, 6)]
    singapore = [{"start_time": d * DAY + 540, "end_time": d * DAY + 1_080} for d in range(1, 6)]
    always = {"all": [], "any": []}
    return {
        "groups": [{"group_id": "g2", "name": "L1 Support"}, {"group_id": "g4", "name": "Engineering"}],
        "agents": [
            {"agent_id": "a1", "name": "Ana", "role": "agent", "is_bot": False, "default_group_id": "g2"},
            {"agent_id": "a4", "name": "Raj", "role": "agent", "is_bot": False, "default_group_id": "g4"},
        ],
        "tickets": tickets,
        "ticket_events": events,
        "schedules": [
            {"schedule_id": "501", "name": "business_hours", "time_zone": "America/Los_Angeles",
             "intervals": json.dumps(weekdays), "created_at": "2020-01-02 00:00:00"},
            {"schedule_id": "502", "name": "Singapore", "time_zone": "Asia/Singapore",
             "intervals": json.dumps(singapore), "created_at": "2020-01-01 00:00:00"},
        ],
        "schedule_holidays": [{"holiday_id": "9", "schedule_id": "501", "name": "Team day",
                               "start_date": "2024-03-11", "end_date": "2024-03-11"}],
        "sla_policies": [
            {"policy_id": "71", "title": "Key accounts", "position": 1,
             "filter": json.dumps({"all": [{"field": "organization_id", "operator": "is", "value": "7"}], "any": []}),
             "policy_metrics": json.dumps([{"priority": "normal", "metric": "first_reply_time", "target": 1,
                                            "business_hours": False}])},
            {"policy_id": "72", "title": "Urgent", "position": 2,
             "filter": json.dumps({"all": [{"field": "priority", "operator": "is", "value": "urgent"}],
                                   "any": [{"field": "via_id", "operator": "is", "value": "email"},
                                           {"field": "current_tags", "operator": "includes", "value": "outage"}]}),
             "policy_metrics": json.dumps([{"priority": "urgent", "metric": "first_reply_time", "target": 30,
                                            "business_hours": False}])},
            {"policy_id": "73", "title": "Everything", "position": 3, "filter": json.dumps(always),
             "policy_metrics": json.dumps([
                 {"priority": "normal", "metric": "first_reply_time", "target": 60, "business_hours": True},
                 {"priority": "normal", "metric": "requester_wait_time", "target": 600, "business_hours": True}])},
        ],
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, raw_warehouse: Callable[..., Path],
          dbt_build: Callable[..., str]) -> tuple[Path, str]:
    """(warehouse, dbt's output) after a ``dbt build`` of the exported account."""
    work = tmp_path_factory.mktemp("exported_schedules")
    warehouse = raw_warehouse(work / "warehouse.duckdb", export_rows())
    return warehouse, dbt_build(warehouse, work)


def test_business_minutes_follow_each_schedule_s_time_zone_dst_and_holidays(
    built: tuple[Path, str], mart: Callable[..., list[dict[str, Any]]]
) -> None:
    rows = mart(built[0], "select ticket_id, sla_tier, first_response_minutes, first_response_business_minutes "
                          "from marts.fct_tickets order by ticket_id")
    assert [(r["ticket_id"], r["sla_tier"], r["first_response_business_minutes"]) for r in rows] == [
        ("301", "engineering", 210.0), ("302", "l1", 60.0), ("303", "l1", 20.0), ("304", "l1", 10.0)]
    assert rows[0]["first_response_minutes"] == 5_430.0  # the lost hour of 10 March is not counted


def test_the_first_matching_policy_sets_each_ticket_s_targets(
    built: tuple[Path, str], mart: Callable[..., list[dict[str, Any]]]
) -> None:
    events = mart(built[0], "select ticket_id, metric, policy_id, target_minutes, in_business_hours, "
                            "elapsed_minutes, sla_status from marts.fct_sla_events order by ticket_id, metric")
    assert [tuple(e.values()) for e in events] == [
        ("301", "first_reply_time", "73", 60.0, True, 210.0, "breached"),
        ("301", "requester_wait_time", "73", 600.0, True, 240.0, "met"),
        ("302", "first_reply_time", "73", 60.0, True, 60.0, "met"),
        ("302", "requester_wait_time", "73", 600.0, True, 90.0, "met"),
        ("303", "first_reply_time", "72", 30.0, False, 50.0, "breached"),
    ]
    tickets = mart(built[0], "select ticket_id, sla_target_minutes, sla_status from marts.fct_tickets "
                             "order by ticket_id")
    assert [tuple(t.values()) for t in tickets] == [
        ("301", 60, "breached"), ("302", 60, "met"), ("303", 30, "breached"), ("304", None, "not_applicable")]


def test_the_build_warns_of_an_unsupported_condition_and_an_unknown_tier_schedule(built: tuple[Path, str]) -> None:
    output = built[1]
    assert any("WARN" in line and "sla_policy_conditions_are_all_supported" in line for line in output.splitlines())
    assert any("WARN" in line and "tiers_name_a_schedule_in_force" in line for line in output.splitlines())
