"""A real ``dbt build`` on tickets whose clocks Zendesk defines by exception (DECISIONS.md).

The tickets (all times UTC; Monday 4 March 2024 unless said):

* 201, an outbound ticket in L1 (24/7): agent a1 opens it at 09:00 with a public comment, the
  customer answers at 10:00 and a1 replies at 11:30; solved at 12:00. Its first reply is the
  11:30 comment: 150 minutes, a breach of the 10-minute target.
* 202, owned by Engineering (Mon-Fri 09:00-18:00): opened at 09:00, open at 09:05, closed by a
  rule at 11:00 without a solve; the export has no solve time and a last update on Wednesday.
  It is resolved at the close: 120 minutes, calendar and business.
* 203, in L1 on Tuesday 5 March: new, open, pending, open, on-hold, open, solved at 11:00,
  reopened on Wednesday at 09:00 and solved again at 09:20, then closed. Admin a2 answers the
  customer's second message 15 minutes after it.

One exported SLA policy applies to all three, with a target on every metric fct_sla_events
measures: first reply 10 business minutes, next reply 10, periodic and pausable update 30,
requester wait 120 and agent work 50 calendar minutes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

POLICY_METRICS = [
    {"priority": "normal", "metric": metric, "target": target, "business_hours": metric == "first_reply_time"}
    for metric, target in (("first_reply_time", 10), ("next_reply_time", 10), ("periodic_update_time", 30),
                           ("pausable_update_time", 30), ("requester_wait_time", 120), ("agent_work_time", 50))
]


def edge_case_rows() -> dict[str, list[dict[str, Any]]]:
    """Raw rows of the three tickets described in the module docstring."""
    events: list[dict[str, Any]] = []

    def event(ticket_id: str, at: str, event_type: str, **fields: Any) -> None:
        number = len(events) + 1
        events.append({"event_id": f"e{number:04d}", "audit_id": f"a{number:04d}", "ticket_id": ticket_id,
                       "created_at": at, "event_type": event_type, **fields})

    def statuses(ticket_id: str, *changes: tuple[str, str]) -> None:
        previous = None
        for at, status in changes:
            kind = "create" if previous is None else "change"
            event(ticket_id, at, kind, field_name="status", value=status, previous_value=previous)
            previous = status

    def comment(ticket_id: str, at: str, author_id: str, public: bool = True) -> None:
        event(ticket_id, at, "comment", author_id=author_id, is_public=public)

    def ticket(ticket_id: str, created_at: str, group_id: str, **fields: Any) -> dict[str, Any]:
        event(ticket_id, created_at, "create", field_name="group_id", value=group_id)
        return {"ticket_id": ticket_id, "created_at": created_at, "group_id": group_id, "priority": "normal",
                "channel": "email", "language": "en", "requester_id": "u" + ticket_id, "subject": "Help",
                "subject_redacted": "Help", "body": "Hi", "body_redacted": "Hi", **fields}

    tickets = [
        ticket("201", "2024-03-04 09:00:00", "g2", channel="phone", status="solved",
               solved_at="2024-03-04 12:00:00", updated_at="2024-03-04 12:00:00", assignee_id="a1"),
        ticket("202", "2024-03-04 09:00:00", "g4", status="closed", solved_at=None,
               updated_at="2024-03-06 11:00:00", assignee_id="a4"),
        ticket("203", "2024-03-05 09:00:00", "g2", status="closed", solved_at="2024-03-06 09:20:00",
               updated_at="2024-03-10 09:20:00", assignee_id="a1"),
    ]

    comment("201", "2024-03-04 09:00:00", "a1")
    comment("201", "2024-03-04 10:00:00", "u201")
    comment("201", "2024-03-04 11:30:00", "a1")
    statuses("201", ("2024-03-04 09:00:00", "new"), ("2024-03-04 12:00:00", "solved"))

    comment("202", "2024-03-04 09:00:00", "u202")
    statuses("202", ("2024-03-04 09:00:00", "new"), ("2024-03-04 09:05:00", "open"),
             ("2024-03-04 11:00:00", "closed"))

    comment("203", "2024-03-05 09:00:00", "u203")
    comment("203", "2024-03-05 09:04:00", "a1")
    comment("203", "2024-03-05 09:30:00", "u203")
    comment("203", "2024-03-05 09:40:00", "a1", public=False)
    comment("203", "2024-03-05 09:45:00", "a2")
    statuses("203", ("2024-03-05 09:00:00", "new"), ("2024-03-05 09:02:00", "open"),
             ("2024-03-05 09:04:00", "pending"), ("2024-03-05 09:30:00", "open"), ("2024-03-05 09:40:00", "hold"),
             ("2024-03-05 10:40:00", "open"), ("2024-03-05 11:00:00", "solved"), ("2024-03-06 09:00:00", "open"),
             ("2024-03-06 09:20:00", "solved"), ("2024-03-10 09:20:00", "closed"))

    return {
        "groups": [{"group_id": "g2", "name": "L1 Support"}, {"group_id": "g4", "name": "Engineering"}],
        "agents": [
            {"agent_id": "a1", "name": "Ana", "role": "agent", "is_bot": False, "default_group_id": "g2"},
            {"agent_id": "a2", "name": "Ada", "role": "admin", "is_bot": False, "default_group_id": "g2"},
            {"agent_id": "a4", "name": "Raj", "role": "agent", "is_bot": False, "default_group_id": "g4"},
        ],
        "tickets": tickets,
        "ticket_events": events,
        "sla_policies": [{"policy_id": "80", "title": "Everything", "position": 1,
                          "filter": json.dumps({"all": [], "any": []}), "policy_metrics": json.dumps(POLICY_METRICS)}],
    }


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, raw_warehouse: Callable[..., Path],
              dbt_build: Callable[..., str]) -> Path:
    """The warehouse after a ``dbt build`` of the edge-case tickets."""
    work = tmp_path_factory.mktemp("clock_edge_cases")
    warehouse = raw_warehouse(work / "warehouse.duckdb", edge_case_rows())
    dbt_build(warehouse, work)
    return warehouse


@pytest.fixture(scope="module")
def tickets(warehouse: Path, mart: Callable[..., list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """fct_tickets rows by ticket id."""
    return {row["ticket_id"]: row for row in mart(warehouse, "select * from marts.fct_tickets")}


def test_an_agents_public_opening_comment_is_not_the_first_reply(tickets: dict[str, dict[str, Any]]) -> None:
    t = tickets["201"]
    assert (t["is_agent_created"], t["first_response_minutes"], t["first_response_business_minutes"]) == (
        True, 150.0, 150.0)
    assert (t["sla_status"], t["public_agent_comments"], t["public_agent_replies"], t["one_touch"]) == (
        "breached", 2, 1, True)


def test_a_ticket_closed_without_a_solve_is_resolved_at_the_close(tickets: dict[str, dict[str, Any]]) -> None:
    t = tickets["202"]
    assert str(t["solved_at"]) == "2024-03-04 11:00:00"
    assert (t["resolved_at_source"], t["is_closed_without_solve"]) == ("status_change", True)
    assert (t["first_resolution_minutes"], t["full_resolution_minutes"], t["full_resolution_business_minutes"]) == (
        120.0, 120.0, 120.0)
    assert (t["requester_wait_minutes"], t["agent_work_minutes"], t["agent_wait_minutes"]) == (120.0, 120.0, 0.0)
    assert (t["requester_wait_business_minutes"], t["agent_work_business_minutes"]) == (120.0, 120.0)


def test_a_reopened_ticket_has_first_and_full_resolution_and_status_times(
    tickets: dict[str, dict[str, Any]],
) -> None:
    t = tickets["203"]
    assert str(t["solved_at"]) == "2024-03-06 09:20:00"
    assert (t["first_resolution_minutes"], t["full_resolution_minutes"], t["reopens"]) == (120.0, 1460.0, 1)
    # new 2 + open 2 + open 10 + on-hold 60 + open 20 + reopened 20; pending 09:04-09:30.
    assert (t["requester_wait_minutes"], t["on_hold_minutes"], t["agent_wait_minutes"], t["agent_work_minutes"]) == (
        114.0, 60.0, 26.0, 54.0)
    assert (t["requester_wait_business_minutes"], t["agent_wait_business_minutes"]) == (114.0, 26.0)  # L1 is 24/7


def test_an_admins_reply_ends_the_next_reply_clock(tickets: dict[str, dict[str, Any]]) -> None:
    t = tickets["203"]
    assert (t["first_response_minutes"], t["next_reply_minutes"], t["next_reply_business_minutes"]) == (
        4.0, 15.0, 15.0)


def test_sla_events_give_each_metric_s_minutes_and_outcome(warehouse: Path,
                                                          mart: Callable[..., list[dict[str, Any]]]) -> None:
    """201's only gap runs from the opening comment to the reply; 203's from 09:04 to the admin's 09:45
    reply: 41 minutes, of which 26 pending (the pausable clock counts 15). 202 had no agent comment."""
    rows = mart(warehouse, "select ticket_id, metric, elapsed_minutes, sla_status from marts.fct_sla_events")
    assert {(r["ticket_id"], r["metric"]): (r["elapsed_minutes"], r["sla_status"]) for r in rows} == {
        ("201", "first_reply_time"): (150.0, "breached"),
        ("201", "periodic_update_time"): (150.0, "breached"),
        ("201", "pausable_update_time"): (150.0, "breached"),
        ("201", "requester_wait_time"): (180.0, "breached"),
        ("201", "agent_work_time"): (180.0, "breached"),
        ("202", "first_reply_time"): (None, "not_applicable"),
        ("202", "periodic_update_time"): (None, "not_applicable"),
        ("202", "pausable_update_time"): (None, "not_applicable"),
        ("202", "requester_wait_time"): (120.0, "met"),
        ("202", "agent_work_time"): (120.0, "breached"),
        ("203", "first_reply_time"): (4.0, "met"),
        ("203", "next_reply_time"): (15.0, "breached"),
        ("203", "periodic_update_time"): (41.0, "breached"),
        ("203", "pausable_update_time"): (15.0, "met"),
        ("203", "requester_wait_time"): (114.0, "met"),
        ("203", "agent_work_time"): (54.0, "breached"),
    }
