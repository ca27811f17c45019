"""The account's own configuration (``account:`` in closedloop-sources.yml) loaded into the raw tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from closedloop.ingest import load_all
from closedloop.ingest.config import load_config

ACCOUNT = """\
account:
  tiers:
    l1: {groups: [L1 Support, VIP], schedule: pacific}
    engineering:
      groups: Engineering
  schedules:
    - id: pacific
      name: Pacific business hours
      time_zone: America/Los_Angeles
      hours: {mon: "09:00-17:00", tuesday: ["09:00-12:00", "13:00-17:00"]}
      holidays:
        - {date: 2024-03-11, name: Team day}
        - {from: 2024-12-24, to: 2024-12-26, name: Christmas}
    - id: sg
      time_zone: Asia/Singapore
      default: true
      hours: {sun: "00:00-24:00"}
  sla_policies:
    - title: Urgent e-mail
      when: {priority: urgent, channel: email, tags: [outage, vip]}
      targets:
        - {metric: first_reply_time, priority: urgent, minutes: 30, business_hours: false}
    - title: Everything
      targets:
        - {metric: periodic_update_time, minutes: 240}
"""

BAD = """\
account:
  tiers:
    wizards: {groups: [Magic]}
    l1: {groups: [L1 Support]}
  schedules:
    - id: mars
      time_zone: Mars/Olympus
      hours: {mon: "09:00-18:00"}
      holidays: [{date: 2024-01-01}]
    - id: late
      time_zone: UTC
      hours: {fri: "18:00-25:00"}
    - id: ok
      time_zone: UTC
      hours: {fri: "09:00-12:00", funday: "10:00-11:00"}
    - id: fine
      time_zone: UTC
      hours: {mon: "09:00-17:00"}
      holidays: [{from: 2024-05-02, to: 2024-05-01}]
  sla_policies:
    - title: Typo
      targets: [{metric: first_reply, minutes: 5}]
    - title: Organization
      when: {organization_id: 7}
      targets: [{metric: first_reply_time, minutes: 5}]
    - title: Good
      targets: [{metric: next_reply_time, priority: high, minutes: 60}]
"""

ENTITIES = ("schedules", "schedule_holidays", "sla_policies", "group_tiers")


def _load(export_dir: Path, warehouse: Path, text: str) -> dict[str, Any]:
    (export_dir / "closedloop-sources.yml").write_text(text)
    report = load_all(warehouse, export_dir, entities=ENTITIES)
    return report.entities


def _rows(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_account_section_fills_the_raw_tables_in_zendesk_s_shape(export_dir: Path, warehouse: Path) -> None:
    reports = _load(export_dir, warehouse, ACCOUNT)
    assert {name: (r.rows_valid, r.rows_quarantined) for name, r in reports.items()} == {
        "schedules": (2, 0), "schedule_holidays": (2, 0), "sla_policies": (2, 0), "group_tiers": (3, 0)}
    schedules = _rows(warehouse, "SELECT schedule_id, name, time_zone, intervals, created_at FROM raw.schedules "
                                 "ORDER BY created_at")
    # The default schedule is dated first, as Zendesk's first schedule is the account's default.
    assert [(s[0], s[1], s[2]) for s in schedules] == [
        ("sg", "sg", "Asia/Singapore"), ("pacific", "Pacific business hours", "America/Los_Angeles")]
    assert json.loads(schedules[0][3]) == [{"start_time": 0, "end_time": 1_440}]
    assert json.loads(schedules[1][3]) == [  # minutes since Sunday 00:00
        {"start_time": 1_980, "end_time": 2_460}, {"start_time": 3_420, "end_time": 3_600},
        {"start_time": 3_660, "end_time": 3_900}]
    assert [(h[0], h[1], str(h[2].date()), str(h[3].date())) for h in _rows(
        warehouse, "SELECT holiday_id, schedule_id, start_date, end_date FROM raw.schedule_holidays ORDER BY 1")] == [
        ("pacific:1", "pacific", "2024-03-11", "2024-03-11"), ("pacific:2", "pacific", "2024-12-24", "2024-12-26")]
    policies = _rows(warehouse, "SELECT title, position, filter, policy_metrics FROM raw.sla_policies ORDER BY 2")
    assert json.loads(policies[0][2]) == {"all": [
        {"field": "priority", "operator": "is", "value": "urgent"},
        {"field": "channel", "operator": "is", "value": "email"},
        {"field": "current_tags", "operator": "includes", "value": "outage vip"}], "any": []}
    assert json.loads(policies[0][3]) == [
        {"priority": "urgent", "metric": "first_reply_time", "target": 30, "business_hours": False}]
    assert [m["priority"] for m in json.loads(policies[1][3])] == ["low", "normal", "high", "urgent"]
    assert all(m["business_hours"] for m in json.loads(policies[1][3]))  # business hours unless said otherwise
    assert _rows(warehouse, "SELECT group_name, tier, schedule_id FROM raw.group_tiers ORDER BY 1") == [
        ("Engineering", "engineering", None), ("L1 Support", "l1", "pacific"), ("VIP", "l1", "pacific")]


def test_bad_entries_are_quarantined_naming_file_line_and_field_and_the_rest_loads(
    export_dir: Path, warehouse: Path
) -> None:
    reports = _load(export_dir, warehouse, BAD)
    assert {name: (r.rows_valid, r.rows_quarantined) for name, r in reports.items()} == {
        "schedules": (1, 3), "schedule_holidays": (0, 2), "sla_policies": (1, 2), "group_tiers": (1, 1)}
    source = str((export_dir / "closedloop-sources.yml").resolve())
    quarantine = _rows(warehouse, "SELECT entity, source_file, source_line, field, reason FROM raw.quarantine "
                                  "ORDER BY source_line, entity")
    assert {q[1] for q in quarantine} == {source}
    assert [(q[0], q[2], q[3]) for q in quarantine] == [
        ("group_tiers", 3, "tier"),
        ("schedules", 6, "time_zone"),
        ("schedule_holidays", 9, "schedule_id"),
        ("schedules", 10, "hours.fri"),
        ("schedules", 13, "hours.funday"),
        ("schedule_holidays", 19, "to"),
        ("sla_policies", 21, "targets[1].metric"),
        ("sla_policies", 23, "when.organization_id"),
    ]
    reasons = {q[3]: q[4] for q in quarantine}
    assert reasons["tier"].startswith("'wizards' is not a support tier (bot, l1,")
    assert reasons["time_zone"] == "'Mars/Olympus' is not an IANA time zone (e.g. Europe/Berlin, UTC)"
    assert reasons["hours.fri"] == "'25:00' is not a time HH:MM between 00:00 and 24:00"
    assert reasons["schedule_id"] == "its schedule is quarantined"
    assert reasons["to"] == "2024-05-01 is before 2024-05-02"
    assert _rows(warehouse, "SELECT schedule_id FROM raw.schedules") == [("fine",)]
    assert _rows(warehouse, "SELECT title FROM raw.sla_policies") == [("Good",)]


def test_reloading_replaces_what_the_file_gave_before_and_an_empty_section_empties_its_table(
    export_dir: Path, warehouse: Path
) -> None:
    _load(export_dir, warehouse, ACCOUNT)
    again = _load(export_dir, warehouse, ACCOUNT)
    assert {name: r.rows_added for name, r in again.items()} == dict.fromkeys(ENTITIES, 0)
    shorter = ACCOUNT.split("  sla_policies:")[0] + "  sla_policies: []\n"
    shorter = shorter.replace("    - id: sg\n      time_zone: Asia/Singapore\n"
                                                          "      default: true\n      hours: {sun: \"00:00-24:00\"}\n",
                                                          "")
    _load(export_dir, warehouse, shorter)
    assert _rows(warehouse, "SELECT schedule_id FROM raw.schedules") == [("pacific",)]
    assert _rows(warehouse, "SELECT count(*) FROM raw.sla_policies") == [(0,)]


def test_only_the_sections_the_account_sets_replace_the_help_desk_s_exports(tmp_path: Path) -> None:
    path = tmp_path / "closedloop-sources.yml"
    path.write_text("account:\n  schedules: []\n")
    config = load_config(path)
    assert (config["schedules"].connector, config["schedules"].files) == ("account", ("closedloop-sources.yml",))
    assert (config["schedule_holidays"].connector, config["sla_policies"].connector) == ("account", "zendesk")
    assert load_config(None)["schedules"].connector == "zendesk"


def test_a_group_put_in_two_tiers_keeps_the_later_and_quarantines_the_earlier(export_dir: Path,
                                                                               warehouse: Path) -> None:
    reports = _load(export_dir, warehouse, "account:\n  tiers:\n    l1: {groups: [Front line, Night desk]}\n"
                                           "    vip: {groups: [front line]}\n")
    assert (reports["group_tiers"].rows_valid, reports["group_tiers"].rows_quarantined) == (1, 1)
    assert _rows(warehouse, "SELECT group_name, tier FROM raw.group_tiers") == [("front line", "vip")]
    assert _rows(warehouse, "SELECT source_line, field, reason FROM raw.quarantine") == [
        (3, "group_name", "'front line' is given again on line 4")]
