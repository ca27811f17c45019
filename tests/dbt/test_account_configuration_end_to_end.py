"""Real ingest and a real ``dbt build`` of two accounts, neither needing an edit to dbt_project/.

**A Zendesk export** (folder ``zendesk/``) with two schedules in different time zones, each with
its own holiday, and two SLA policies. Schedule 502 (Singapore, Mon-Fri 09:00-18:00, closed on
Tuesday 5 March 2024) was created first, so it is the default: L1 works it. Schedule 501 is named
``business_hours`` like the schedule the seed gives Engineering: Mon-Fri 09:00-17:00
America/Los_Angeles, closed on Monday 11 March. Policy "Urgent" (urgent tickets by e-mail) wants
a first reply within 30 calendar minutes; "Everything" within 60 business minutes.

* 301 (Engineering) waits from Friday 8 March 15:00 PST over the spring-forward weekend and the
  holiday to Tuesday 10:30 PDT: 120 + 90 = 210 business minutes, breached.
* 302 (L1) waits 08:00-10:00 Singapore time on Monday 4 March, an hour before opening: 60, met.
* 303 (L1, urgent e-mail) waits 50 calendar minutes: "Urgent" counts them, breached.
* 304 (L1) waits from Monday 17:00 Singapore time over Tuesday's holiday to Wednesday 10:00:
  60 + 60 = 120 (660 had the holiday not closed Singapore; Los Angeles' holiday is not its own).

**A generic CSV source** (folder ``desk/``) whose ``closedloop-sources.yml`` maps the columns and
describes the account: group "Front line" is tier l1 and works the Berlin schedule (Mon-Fri
09:00-17:00 Europe/Berlin, closed on Friday 8 March 2024); one policy wants the first reply in 60
business minutes, a periodic update every 120 and a pausable one every 200. Ticket 1 is created
on Friday 8 March 16:00 CET, answered on Monday 11 March 09:30 (only Monday's 30 minutes count:
met), set pending until the customer writes at 10:00, and updated again at 13:00: a gap of 210
business minutes (breached), 180 of them not pending (met).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from closedloop.ingest import load_all

pytestmark = pytest.mark.slow

DAY = 1_440


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def zendesk_export(folder: Path) -> Path:
    """Write the Zendesk export described in the module docstring into ``folder``."""
    tickets, audits = [], []

    def ticket(ticket_id: int, group_id: int, created: str, replied: str, solved: str, agent: int,
               priority: str = "normal", channel: str = "chat") -> None:
        tickets.append({"id": ticket_id, "created_at": created, "updated_at": solved, "subject": "Help",
                        "description": "Hi", "status": "solved", "priority": priority, "requester_id": 9000 + ticket_id,
                        "assignee_id": agent, "group_id": group_id, "tags": [], "via": {"channel": channel},
                        "custom_fields": [], "metric_set": {"solved_at": solved}})
        audits.extend([
            {"id": ticket_id * 10 + 1, "ticket_id": ticket_id, "created_at": created, "author_id": 9000 + ticket_id,
             "events": [{"id": ticket_id * 100 + 1, "type": "Create", "field_name": "status", "value": "new"},
                        {"id": ticket_id * 100 + 2, "type": "Create", "field_name": "group_id", "value": str(group_id)},
                        {"id": ticket_id * 100 + 3, "type": "Comment", "public": True, "body": "Hi"}]},
            {"id": ticket_id * 10 + 2, "ticket_id": ticket_id, "created_at": replied, "author_id": agent,
             "events": [{"id": ticket_id * 100 + 4, "type": "Comment", "public": True, "body": "On it"}]},
            {"id": ticket_id * 10 + 3, "ticket_id": ticket_id, "created_at": solved, "author_id": agent,
             "events": [{"id": ticket_id * 100 + 5, "type": "Change", "field_name": "status", "value": "solved",
                         "previous_value": "new"}]},
        ])

    ticket(301, 4, "2024-03-08T23:00:00Z", "2024-03-12T17:30:00Z", "2024-03-12T18:00:00Z", 1004, channel="email")
    ticket(302, 2, "2024-03-04T00:00:00Z", "2024-03-04T02:00:00Z", "2024-03-04T02:30:00Z", 1001)
    ticket(303, 2, "2024-03-04T00:30:00Z", "2024-03-04T01:20:00Z", "2024-03-04T02:00:00Z", 1001, "urgent", "email")
    ticket(304, 2, "2024-03-04T09:00:00Z", "2024-03-06T02:00:00Z", "2024-03-06T03:00:00Z", 1001)
    zendesk = folder / "zendesk"
    _jsonl(zendesk / "tickets.jsonl", tickets)
    _jsonl(zendesk / "ticket_audits.jsonl", audits)
    _jsonl(zendesk / "groups.jsonl", [{"id": 2, "name": "L1 Support"}, {"id": 4, "name": "Engineering"}])
    _jsonl(zendesk / "users.jsonl", [{"id": 1001, "name": "Ana", "role": "agent", "default_group_id": 2},
                                     {"id": 1004, "name": "Raj", "role": "agent", "default_group_id": 4}])
    weekdays = [{"start_time": d * DAY + 540, "end_time": d * DAY + 1_020} for d in range(1, 6)]
    singapore = [{"start_time": d * DAY + 540, "end_time": d * DAY + 1_080} for d in range(1, 6)]
    _jsonl(zendesk / "schedules.jsonl", [
        {"id": 501, "name": "business_hours", "time_zone": "America/Los_Angeles", "intervals": weekdays,
         "created_at": "2020-01-02T00:00:00Z"},
        {"id": 502, "name": "Singapore", "time_zone": "Asia/Singapore", "intervals": singapore,
         "created_at": "2020-01-01T00:00:00Z"}])
    _jsonl(zendesk / "schedule_holidays.jsonl", [
        {"id": 9, "schedule_id": 501, "name": "Team day", "start_date": "2024-03-11", "end_date": "2024-03-11"},
        {"id": 10, "schedule_id": 502, "name": "Away day", "start_date": "2024-03-05", "end_date": "2024-03-05"}])
    urgent = {"all": [{"field": "priority", "operator": "is", "value": "urgent"}],
              "any": [{"field": "via_id", "operator": "is", "value": "email"}]}
    _jsonl(zendesk / "sla_policies.jsonl", [
        {"id": 72, "title": "Urgent", "position": 1, "filter": urgent, "policy_metrics": [
            {"priority": "urgent", "metric": "first_reply_time", "target": 30, "business_hours": False}]},
        {"id": 73, "title": "Everything", "position": 2, "filter": {"all": [], "any": []}, "policy_metrics": [
            {"priority": "normal", "metric": "first_reply_time", "target": 60, "business_hours": True}]}])
    return folder


SOURCES = """\
tickets:
  connector: generic
  files: desk/tickets.csv
  columns: {ticket_id: id, created_at: created, updated_at: updated, solved_at: solved, subject: subject,
            body: body, status: status, channel: channel, group_id: team, priority: priority}
ticket_events:
  connector: generic
  files: desk/events.csv
  columns: {event_id: id, audit_id: id, ticket_id: ticket, created_at: at, author_id: author,
            event_type: kind, field_name: field, value: value, is_public: public}
groups:
  connector: generic
  files: desk/teams.csv
  columns: {group_id: id, name: name}
agents:
  connector: generic
  files: desk/staff.csv
  columns: {agent_id: id, name: name}
account:
  tiers:
    l1: {groups: [Front line], schedule: berlin}
  schedules:
    - id: berlin
      time_zone: Europe/Berlin
      hours: {mon: "09:00-17:00", tue: "09:00-17:00", wed: "09:00-17:00", thu: "09:00-17:00", fri: "09:00-17:00"}
      holidays: [{date: 2024-03-08, name: Women's Day}]
  sla_policies:
    - title: Front line
      targets:
        - {metric: first_reply_time, minutes: 60}
        - {metric: periodic_update_time, minutes: 120}
        - {metric: pausable_update_time, minutes: 200}
"""

EVENTS = """id,ticket,at,author,kind,field,value,public
1,1,2024-03-08 15:00:00,c1,create,status,new,
2,1,2024-03-08 15:00:00,c1,create,group_id,t1,
3,1,2024-03-08 15:00:00,c1,comment,,,true
4,1,2024-03-11 08:30:00,s1,comment,,,true
5,1,2024-03-11 08:30:00,s1,change,status,pending,
6,1,2024-03-11 09:00:00,c1,comment,,,true
7,1,2024-03-11 09:00:00,c1,change,status,open,
8,1,2024-03-11 12:00:00,s1,comment,,,true
9,1,2024-03-11 12:30:00,s1,change,status,solved,
"""


def generic_export(folder: Path) -> Path:
    """Write the generic CSV source and its closedloop-sources.yml described in the module docstring."""
    desk = folder / "desk"
    desk.mkdir(parents=True)
    (folder / "closedloop-sources.yml").write_text(SOURCES, encoding="utf-8")
    (desk / "tickets.csv").write_text(
        "id,created,updated,solved,subject,body,status,channel,team,priority\n"
        "1,2024-03-08 15:00:00,2024-03-11 12:30:00,2024-03-11 12:30:00,Help,Hi,solved,email,t1,normal\n")
    (desk / "events.csv").write_text(EVENTS)
    (desk / "teams.csv").write_text("id,name\nt1,Front line\n")
    (desk / "staff.csv").write_text("id,name\ns1,Sam\n")
    return folder


def _build(work: Path, data: Path, dbt_build: Callable[..., str]) -> Path:
    warehouse = work / "warehouse.duckdb"
    report = load_all(warehouse, data)
    summaries = [r.summary() for r in report.entities.values()]
    assert report.rows_quarantined == 0, summaries
    assert not report.errors, summaries
    dbt_build(warehouse, work)
    return warehouse


@pytest.fixture(scope="module")
def zendesk_warehouse(tmp_path_factory: pytest.TempPathFactory, dbt_build: Callable[..., str]) -> Path:
    """The warehouse after loading and building the Zendesk export."""
    work = tmp_path_factory.mktemp("zendesk_account")
    return _build(work, zendesk_export(work / "exports"), dbt_build)


@pytest.fixture(scope="module")
def generic_warehouse(tmp_path_factory: pytest.TempPathFactory, dbt_build: Callable[..., str]) -> Path:
    """The warehouse after loading and building the generic source with its account configuration."""
    work = tmp_path_factory.mktemp("generic_account")
    return _build(work, generic_export(work / "exports"), dbt_build)


def test_a_zendesk_export_s_own_schedules_holidays_and_policies_set_the_minutes(
    zendesk_warehouse: Path, mart: Callable[..., list[dict[str, Any]]]
) -> None:
    tickets = mart(zendesk_warehouse, "select ticket_id, sla_tier, first_response_minutes, "
                                      "first_response_business_minutes, sla_target_minutes, sla_status "
                                      "from marts.fct_tickets order by ticket_id")
    assert [tuple(t.values()) for t in tickets] == [
        ("301", "engineering", 5_430.0, 210.0, 60, "breached"),
        ("302", "l1", 120.0, 60.0, 60, "met"),
        ("303", "l1", 50.0, 20.0, 30, "breached"),
        ("304", "l1", 2_460.0, 120.0, 60, "breached"),
    ]
    events = mart(zendesk_warehouse, "select ticket_id, policy_id, target_minutes, in_business_hours, "
                                     "elapsed_minutes from marts.fct_sla_events order by ticket_id")
    assert [tuple(e.values()) for e in events] == [
        ("301", "73", 60.0, True, 210.0), ("302", "73", 60.0, True, 60.0), ("303", "72", 30.0, False, 50.0),
        ("304", "73", 60.0, True, 120.0)]


def test_a_generic_source_s_account_configuration_sets_tier_schedule_and_targets(
    generic_warehouse: Path, mart: Callable[..., list[dict[str, Any]]]
) -> None:
    [ticket] = mart(generic_warehouse, "select sla_tier, first_response_minutes, first_response_business_minutes, "
                                       "sla_target_minutes, sla_status from marts.fct_tickets")
    assert tuple(ticket.values()) == ("l1", 3_930.0, 30.0, 60, "met")
    events = mart(generic_warehouse, "select metric, policy_id, elapsed_minutes, sla_status, "
                                     "sla_applied_at::varchar as started from marts.fct_sla_events order by metric")
    assert [tuple(e.values()) for e in events] == [
        ("first_reply_time", "account:1", 30.0, "met", "2024-03-08 15:00:00"),
        ("pausable_update_time", "account:1", 180.0, "met", "2024-03-11 08:30:00"),
        ("periodic_update_time", "account:1", 210.0, "breached", "2024-03-11 08:30:00"),
    ]
