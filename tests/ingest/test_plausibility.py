"""Timestamps outside the plausible window and rows naming a ticket that is not loaded are quarantined."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from closedloop.core.errors import ClosedloopError
from closedloop.ingest import load_all


def _quarantine(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT entity, source_line, field, reason FROM raw.quarantine "
                           "ORDER BY entity, source_line, field").fetchall()


def _ids(warehouse: Path, table: str, key: str) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [r[0] for r in con.execute(f"SELECT {key} FROM raw.{table} ORDER BY 1").fetchall()]


def _rating(rating_id: int, ticket_id: object, **overrides: object) -> dict[str, object]:
    return {"id": rating_id, "ticket_id": ticket_id, "score": "good", "rating": 5,
            "created_at": "2024-03-02T00:00:00Z", "updated_at": "2024-03-02T01:00:00Z", **overrides}


@pytest.mark.parametrize(
    ("created_at", "reason"),
    [
        ("1900-01-01T00:00:00Z", "created_at 1900-01-01T00:00:00Z is before 2020-01-01 (first day of the dbt "
                                 "calendar, var calendar_start_date)"),
        ("2999-01-01T00:00:00Z", "created_at 2999-01-01T00:00:00Z is not before "),
        ("-0001-01-01T00:00:00Z", "created_at -0001-01-01T00:00:00Z is before 2020-01-01"),
        ("infinity", "created_at infinity is not before "),
        ("0001-13-45", "unparseable timestamp (0001-13-45)"),
    ],
    ids=["1900", "2999", "year_minus_one", "infinity", "garbage"],
)
def test_a_ticket_dated_outside_the_window_is_quarantined_naming_field_and_value(
    export_dir, warehouse, ticket, jsonl, created_at, reason
):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1), ticket(2, created_at=created_at), ticket(3)])
    load_all(warehouse, export_dir)
    assert _ids(warehouse, "tickets", "ticket_id") == ["1", "3"]
    rows = [row for row in _quarantine(warehouse) if row[2] == "created_at"]
    assert [(entity, line) for entity, line, _, _ in rows] == [("tickets", 2)]
    assert rows[0][3].startswith(reason), rows[0][3]


def test_the_window_follows_the_environment(export_dir, warehouse, ticket, jsonl, monkeypatch):
    """Backlog items are not counted by calendar day, so only the configured window applies to them."""
    monkeypatch.setenv("CLOSEDLOOP_TIMESTAMP_MIN", "2024-02-15")
    jsonl(export_dir / "zendesk/groups.jsonl", [{"id": 1, "name": "L1", "created_at": "2024-01-01T00:00:00Z"},
                                                {"id": 2, "name": "L2", "created_at": "2024-03-01T00:00:00Z"}])
    load_all(warehouse, export_dir)
    assert _ids(warehouse, "groups", "group_id") == ["2"]
    assert _quarantine(warehouse) == [("groups", 1, "created_at",
                                       "created_at 2024-01-01T00:00:00Z is before 2024-02-15")]


def test_a_malformed_window_variable_is_a_clear_error(export_dir, warehouse, ticket, jsonl, monkeypatch):
    monkeypatch.setenv("CLOSEDLOOP_TIMESTAMP_MAX_AHEAD", "a week")
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1)])
    with pytest.raises(ClosedloopError, match="CLOSEDLOOP_TIMESTAMP_MAX_AHEAD must be a duration"):
        load_all(warehouse, export_dir)


def test_a_rating_outside_one_to_five_is_quarantined(export_dir, warehouse, ticket, jsonl):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1)])
    jsonl(export_dir / "zendesk/satisfaction_ratings.jsonl", [_rating(1, 1), _rating(2, 1, rating=7),
                                                              _rating(3, 1, rating=1e300)])
    load_all(warehouse, export_dir)
    assert _ids(warehouse, "satisfaction_ratings", "rating_id") == ["1"]
    assert [(line, field, reason) for _, line, field, reason in _quarantine(warehouse)] == [
        (2, "rating", "rating 7 is outside 1 to 5"), (3, "rating", "not a whole number in range (1e+300)")]


def test_a_child_of_a_ticket_that_is_not_loaded_is_quarantined_naming_the_ticket(export_dir, warehouse, ticket,
                                                                                 jsonl):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(40010), ticket(40011, created_at="1900-01-01T00:00:00Z")])
    jsonl(export_dir / "zendesk/satisfaction_ratings.jsonl", [_rating(1, 40010), _rating(2, 40011),
                                                              _rating(3, 40012.0)])
    load_all(warehouse, export_dir)
    assert _ids(warehouse, "satisfaction_ratings", "rating_id") == ["1"]
    children = [row for row in _quarantine(warehouse) if row[0] == "satisfaction_ratings"]
    assert children == [("satisfaction_ratings", 2, "ticket_id", "ticket_id 40011 is not a loaded ticket"),
                        ("satisfaction_ratings", 3, "ticket_id", "ticket_id 40012 is not a loaded ticket")]


def test_children_are_checked_against_every_ticket_loaded_so_far_not_only_this_export(tmp_path, warehouse, ticket,
                                                                                      jsonl):
    monday, tuesday = tmp_path / "monday", tmp_path / "tuesday"
    jsonl(monday / "zendesk/tickets.jsonl", [ticket(1)])
    load_all(warehouse, monday)
    jsonl(tuesday / "zendesk/tickets.jsonl", [ticket(2)])
    jsonl(tuesday / "zendesk/satisfaction_ratings.jsonl", [_rating(1, 1), _rating(2, 2), _rating(3, 3)])
    load_all(warehouse, tuesday)
    assert _ids(warehouse, "satisfaction_ratings", "rating_id") == ["1", "2"]
    assert [(line, reason) for _, line, _, reason in _quarantine(warehouse)] == [
        (3, "ticket_id 3 is not a loaded ticket")]


def test_without_groups_tickets_load_without_their_group_and_say_so_then_are_checked_once_groups_load(
        export_dir, warehouse, ticket, jsonl):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1, group_id=2), ticket(2, group_id=9)])
    report = load_all(warehouse, export_dir)
    assert _ids(warehouse, "tickets", "ticket_id") == ["1", "2"], "no groups export: the tickets still load"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(group_id) FROM raw.tickets").fetchall() == [(0,)]
        assert con.execute("SELECT column_name, rows FROM raw.source_defaults WHERE column_name = 'group_id'"
                           ).fetchall() == [("group_id", 2)]
    assert (f"{export_dir / 'zendesk/tickets.jsonl'} line 1, field group_id: '2' names no loaded group"
            in "\n".join(report.entities["tickets"].warnings))
    jsonl(export_dir / "zendesk/groups.jsonl", [{"id": 2, "name": "L1"}])
    load_all(warehouse, export_dir)
    assert [(e, line, f, r) for e, line, f, r in _quarantine(warehouse)] == [
        ("tickets", 2, "group_id", "group_id 9 is not a loaded group")]
