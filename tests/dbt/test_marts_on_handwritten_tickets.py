"""A real ``dbt build`` on a few hand-written tickets, and the mart values users rely on.

The tickets (all times UTC):

* 101 chat: the bot answers, hands off to L1, an agent replies 9 minutes after creation, solved,
  rated 5, QA-reviewed. The subject holds an e-mail address that only the raw layer may keep.
* 102 email straight to L1: internal note, public reply after 12.5 minutes (breach), solved,
  reopened twice; a survey sent but never answered.
* 103 chat the bot solves alone in 3 minutes.
* 104 email to L1 on Friday 29 December 2023 16:50, escalated to Engineering (business hours)
  at 16:55, answered on Tuesday 2 January 2024 09:30 after the weekend and New Year's Day.
* 105 chat: the bot passes it straight to Security (an escalation, skipping the front line);
  flagged 12:01:00, account frozen 12:09:30.
* 106 email: a misdirected USDT deposit, recovered manually three days later.
* 107 still open: not in fct_tickets.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

GROUPS = {"bot": "g1", "l1": "g2", "vip": "g3", "engineering": "g4", "legal": "g5", "security": "g6"}
GROUP_NAMES = {"g1": "Bot", "g2": "L1 Support", "g3": "VIP", "g4": "Engineering", "g5": "Legal", "g6": "Security"}


class Tickets:
    """Builds raw rows for tickets and their audit events."""

    def __init__(self) -> None:
        """Start with the groups and agents of the demo exchange."""
        self.rows: dict[str, list[dict[str, Any]]] = {
            "groups": [{"group_id": gid, "name": name} for gid, name in GROUP_NAMES.items()],
            "agents": [
                {"agent_id": "bot", "name": "Support Bot", "role": "agent", "is_bot": True, "default_group_id": "g1"},
                {"agent_id": "a1", "name": "Ana", "role": "agent", "is_bot": False, "default_group_id": "g2"},
                {"agent_id": "a2", "name": "Ben", "role": "agent", "is_bot": False, "default_group_id": "g2"},
                {"agent_id": "a3", "name": "Eve", "role": "agent", "is_bot": False, "default_group_id": "g6"},
                {"agent_id": "a4", "name": "Raj", "role": "agent", "is_bot": False, "default_group_id": "g4"},
            ],
            "tickets": [],
            "ticket_events": [],
            "satisfaction_ratings": [],
            "qa_audits": [],
        }
        self._event = 0

    def ticket(self, ticket_id: str, created_at: str, tier: str, **fields: Any) -> None:
        """Add a ticket created in ``tier``, with a create event setting status and group."""
        row = {"ticket_id": ticket_id, "created_at": created_at, "updated_at": created_at, "status": "solved",
               "priority": "normal", "channel": "chat", "language": "en", "requester_id": "u" + ticket_id,
               "subject": "Help", "subject_redacted": "Help", "body": "Hi", "body_redacted": "Hi", **fields}
        row["group_id"] = row.get("group_id", GROUPS[tier])
        self.rows["tickets"].append(row)
        self.event(ticket_id, created_at, "create", field_name="status", value="new")
        self.event(ticket_id, created_at, "create", field_name="group_id", value=GROUPS[tier])
        self.event(ticket_id, created_at, "comment", author_id="u" + ticket_id, is_public=True)

    def event(self, ticket_id: str, at: str, event_type: str, **fields: Any) -> None:
        """Add an audit event."""
        self._event += 1
        self.rows["ticket_events"].append({"event_id": f"e{self._event:04d}", "audit_id": f"a{self._event:04d}",
                                           "ticket_id": ticket_id, "created_at": at, "event_type": event_type,
                                           **fields})

    def move(self, ticket_id: str, at: str, to_tier: str, from_tier: str) -> None:
        """The ticket's group changes to a group of ``to_tier``."""
        self.event(ticket_id, at, "change", field_name="group_id", value=GROUPS[to_tier],
                   previous_value=GROUPS[from_tier])

    def status(self, ticket_id: str, at: str, value: str, previous: str) -> None:
        """The ticket's status changes."""
        self.event(ticket_id, at, "change", field_name="status", value=value, previous_value=previous)

    def reply(self, ticket_id: str, at: str, author_id: str, public: bool = True) -> None:
        """A comment by an agent (or the bot)."""
        self.event(ticket_id, at, "comment", author_id=author_id, is_public=public)


def handwritten_rows() -> dict[str, list[dict[str, Any]]]:
    """The seven tickets described in the module docstring."""
    t = Tickets()

    t.ticket("101", "2024-03-04 10:00:00", "bot", solved_at="2024-03-04 10:30:00", assignee_id="a1",
             group_id="g2", subject="Withdrawal stuck, mail me at alice@example.com",
             subject_redacted="Withdrawal stuck, mail me at [email]")
    t.reply("101", "2024-03-04 10:00:05", "bot")
    t.move("101", "2024-03-04 10:02:00", "l1", "bot")
    t.reply("101", "2024-03-04 10:09:00", "a1")
    t.status("101", "2024-03-04 10:30:00", "solved", "new")
    t.rows["satisfaction_ratings"].append({"rating_id": "r1", "ticket_id": "101", "score": "good", "rating": 5,
                                           "created_at": "2024-03-04 10:31:00", "updated_at": "2024-03-04 11:00:00"})
    t.rows["qa_audits"].append({"audit_id": "q1", "ticket_id": "101", "agent_id": "a1",
                                "reviewed_at": "2024-03-05 09:00:00", "tone_score": 90.0, "accuracy_score": 80.0,
                                "compliance_score": 100.0, "resolution_score": 70.0})

    t.ticket("102", "2024-03-04 10:00:00", "l1", channel="email", language="de", priority="high",
             status="closed", solved_at="2024-03-06 12:00:00", assignee_id="a2")
    t.reply("102", "2024-03-04 10:05:00", "a1", public=False)
    t.reply("102", "2024-03-04 10:12:30", "a2")
    t.status("102", "2024-03-04 11:00:00", "solved", "open")
    t.status("102", "2024-03-05 08:00:00", "open", "solved")
    t.status("102", "2024-03-05 09:00:00", "solved", "open")
    t.status("102", "2024-03-06 09:00:00", "pending", "solved")
    t.status("102", "2024-03-06 12:00:00", "solved", "pending")
    t.rows["satisfaction_ratings"].append({"rating_id": "r2", "ticket_id": "102", "score": "offered",
                                           "created_at": "2024-03-06 12:01:00", "updated_at": "2024-03-06 12:01:00"})

    t.ticket("103", "2024-03-04 11:00:00", "bot", solved_at="2024-03-04 11:03:00", assignee_id="bot")
    t.reply("103", "2024-03-04 11:00:04", "bot")

    t.ticket("104", "2023-12-29 16:50:00", "l1", channel="email", solved_at="2024-01-02 11:00:00",
             assignee_id="a4", group_id="g4")
    t.move("104", "2023-12-29 16:55:00", "engineering", "l1")
    t.reply("104", "2024-01-02 09:30:00", "a4")

    t.ticket("105", "2024-03-04 12:00:00", "bot", solved_at="2024-03-04 13:00:00", assignee_id="a3",
             group_id="g6", security_flagged_at="2024-03-04 12:01:00", security_action="account_frozen",
             security_actioned_at="2024-03-04 12:09:30")
    t.move("105", "2024-03-04 12:01:00", "security", "bot")
    t.reply("105", "2024-03-04 12:05:00", "a3")

    t.ticket("106", "2024-03-04 09:00:00", "l1", channel="email", solved_at="2024-03-07 09:00:00",
             assignee_id="a2", recovery_asset="USDT", recovery_amount=250.0, recovery_method="manual",
             recovery_status="recovered", recovered_at="2024-03-07 09:00:00")
    t.reply("106", "2024-03-04 09:04:00", "a2")
    t.reply("106", "2024-03-07 09:00:00", "a2")

    t.ticket("107", "2024-03-04 13:00:00", "l1", status="open")
    return t.rows


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, raw_warehouse: Callable[..., Path],
              dbt_build: Callable[..., str]) -> Path:
    """A warehouse with the hand-written raw rows, built by ``dbt build``."""
    work = tmp_path_factory.mktemp("handwritten")
    path = raw_warehouse(work / "warehouse.duckdb", handwritten_rows())
    dbt_build(path, work)
    return path


@pytest.fixture(scope="module")
def tickets(warehouse: Path, mart: Callable[..., list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """fct_tickets rows by ticket id."""
    return {row["ticket_id"]: row for row in mart(warehouse, "select * from marts.fct_tickets")}


def test_fct_tickets_holds_resolved_tickets_only(tickets: dict[str, dict[str, Any]]) -> None:
    assert sorted(tickets) == ["101", "102", "103", "104", "105", "106"]


def test_bot_replies_do_not_count_as_first_response(tickets: dict[str, dict[str, Any]]) -> None:
    t = tickets["101"]
    assert (t["first_response_minutes"], t["first_response_agent_id"], t["sla_status"]) == (9.0, "a1", "met")
    assert (t["tier_path"], t["handed_off_to_human"], t["bot_resolved"], t["one_touch"]) == (
        "bot > l1", True, False, True)


def test_a_reply_after_ten_minutes_breaches_the_first_response_sla(tickets: dict[str, dict[str, Any]]) -> None:
    t = tickets["102"]
    assert (t["first_response_minutes"], t["sla_target_minutes"], t["is_first_response_breach"]) == (12.5, 10, True)


def test_a_ticket_reopened_twice_has_two_reopens(tickets: dict[str, dict[str, Any]]) -> None:
    assert tickets["102"]["reopens"] == 2
    assert tickets["101"]["reopens"] == 0


def test_a_ticket_the_bot_closed_alone_is_bot_resolved_without_sla(tickets: dict[str, dict[str, Any]]) -> None:
    t = tickets["103"]
    assert (t["bot_resolved"], t["first_response_at"], t["sla_status"], t["is_first_response_breach"]) == (
        True, None, "not_applicable", None)


def test_business_minutes_skip_the_weekend_and_new_years_day(tickets: dict[str, dict[str, Any]]) -> None:
    # 5 minutes in L1 (24/7), then Engineering: Friday 16:55-18:00 and Tuesday 09:00-09:30.
    t = tickets["104"]
    assert t["first_response_minutes"] == 3 * 1440 + 16 * 60 + 40
    assert t["first_response_business_minutes"] == pytest.approx(5 + 65 + 30)
    assert (t["sla_tier"], t["escalated_to"], t["final_tier"], t["handoffs"]) == (
        "engineering", "engineering", "engineering", 1)


def test_survey_flags_and_csat(tickets: dict[str, dict[str, Any]]) -> None:
    flags = {tid: (t["feedback_requested"], t["feedback_received"], t["csat_score"]) for tid, t in tickets.items()}
    assert flags["101"] == (True, True, 5)
    assert flags["102"] == (True, False, None)
    assert flags["103"] == (False, False, None)


def test_only_redacted_text_reaches_the_marts(warehouse: Path, mart: Callable[..., list[dict[str, Any]]],
                                              tickets: dict[str, dict[str, Any]]) -> None:
    assert tickets["101"]["subject"] == "Withdrawal stuck, mail me at [email]"
    text_columns = mart(warehouse, "select table_schema, table_name, column_name from information_schema.columns "
                                   "where table_schema in ('staging', 'intermediate', 'marts') "
                                   "and data_type = 'VARCHAR'")
    leaks = [c for c in text_columns
             if mart(warehouse, f'select 1 from {c["table_schema"]}.{c["table_name"]} '
                                f'where "{c["column_name"]}" like ? limit 1', "%alice@example.com%")]
    assert leaks == []


def test_support_daily_counts_feedback_coverage_per_slice(warehouse: Path,
                                                          mart: Callable[..., list[dict[str, Any]]]) -> None:
    rows = mart(warehouse, "select channel, language, tier, tickets_resolved, feedback_requested_tickets, "
                           "feedback_coverage, csat_average, bot_resolved_tickets, bot_entered_tickets "
                           "from marts.fct_support_daily where date_day = date '2024-03-04' order by all")
    assert rows == [
        {"channel": "chat", "language": "en", "tier": "bot", "tickets_resolved": 1, "feedback_requested_tickets": 0,
         "feedback_coverage": 0.0, "csat_average": None, "bot_resolved_tickets": 1, "bot_entered_tickets": 1},
        {"channel": "chat", "language": "en", "tier": "l1", "tickets_resolved": 1, "feedback_requested_tickets": 1,
         "feedback_coverage": 1.0, "csat_average": 5.0, "bot_resolved_tickets": 0, "bot_entered_tickets": 1},
        {"channel": "chat", "language": "en", "tier": "security", "tickets_resolved": 1,
         "feedback_requested_tickets": 0, "feedback_coverage": 0.0, "csat_average": None,
         "bot_resolved_tickets": 0, "bot_entered_tickets": 1},
    ]


def test_quarterly_figures_follow_the_quarter_of_the_solve(warehouse: Path,
                                                           mart: Callable[..., list[dict[str, Any]]]) -> None:
    rows = mart(warehouse, "select quarter_key, tickets_resolved, first_responses, median_first_response_minutes, "
                           "sla_breached_tickets, sla_applicable_tickets, feedback_coverage "
                           "from marts.fct_support_quarterly order by quarter_key")
    # Q1 2024: all six. First responses 9, 12.5, 5320, 5, 4 minutes; 102 and 104 breach.
    assert rows == [{"quarter_key": "2024Q1", "tickets_resolved": 6, "first_responses": 5,
                     "median_first_response_minutes": 9.0, "sla_breached_tickets": 2, "sla_applicable_tickets": 5,
                     "feedback_coverage": pytest.approx(2 / 6)}]


def test_security_case_minutes_to_intervention(warehouse: Path, mart: Callable[..., list[dict[str, Any]]]) -> None:
    rows = mart(warehouse, "select ticket_id, minutes_to_intervention, is_within_target, outcome "
                           "from marts.fct_security_interventions")
    assert rows == [{"ticket_id": "105", "minutes_to_intervention": 8, "is_within_target": True,
                     "outcome": "account_frozen"}]


def test_deposit_recovery_days(warehouse: Path, mart: Callable[..., list[dict[str, Any]]]) -> None:
    rows = mart(warehouse, "select ticket_id, asset, amount, recovery_method, days_to_recover "
                           "from marts.fct_deposit_recoveries")
    assert rows == [{"ticket_id": "106", "asset": "USDT", "amount": 250.0, "recovery_method": "manual",
                     "days_to_recover": 3.0}]


def test_escalation_hops_record_time_in_each_tier(warehouse: Path, mart: Callable[..., list[dict[str, Any]]]) -> None:
    rows = mart(warehouse, "select ticket_id, hop_type, from_tier, to_tier, minutes_in_from_tier "
                           "from marts.fct_escalations order by ticket_id")
    assert rows == [
        {"ticket_id": "101", "hop_type": "bot_handoff", "from_tier": "bot", "to_tier": "l1",
         "minutes_in_from_tier": 2.0},
        {"ticket_id": "104", "hop_type": "escalation", "from_tier": "l1", "to_tier": "engineering",
         "minutes_in_from_tier": 5.0},
        {"ticket_id": "105", "hop_type": "escalation", "from_tier": "bot", "to_tier": "security",
         "minutes_in_from_tier": 1.0},
    ]


def test_agent_daily_attributes_qa_to_the_review_day(warehouse: Path,
                                                     mart: Callable[..., list[dict[str, Any]]]) -> None:
    rows = mart(warehouse, "select date_day::varchar as day, tickets_handled, first_responses, qa_audits, "
                           "qa_overall_score, qa_passed from marts.fct_agent_daily where agent_id = 'a1' "
                           "order by date_day")
    assert rows == [
        {"day": "2024-03-04", "tickets_handled": 1, "first_responses": 1, "qa_audits": 0, "qa_overall_score": None,
         "qa_passed": 0},
        {"day": "2024-03-05", "tickets_handled": 0, "first_responses": 0, "qa_audits": 1, "qa_overall_score": 85.0,
         "qa_passed": 1},
    ]
