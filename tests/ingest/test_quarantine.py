"""Bad rows are quarantined with file, line, field and reason; good rows still load."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from closedloop.ingest import load_all


def _quarantine(warehouse: Path) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        sql = "SELECT source_line, field, reason FROM raw.quarantine ORDER BY source_line, field"
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _ticket_ids(warehouse: Path) -> list[str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT ticket_id FROM raw.tickets ORDER BY ticket_id").fetchall()]
    finally:
        con.close()


@pytest.mark.parametrize(
    ("bad", "field", "reason_start"),
    [
        ('{"id": 2, "created_at": "2024-03-01T09:00:00Z", "subject": "truncated', "(record)", "malformed JSON"),
        ({"id": None}, "ticket_id", "missing required value"),
        ({"created_at": "yesterday at noon"}, "created_at", "unparseable timestamp (yesterday at noon)"),
        ({"metric_set": {"solved_at": "2024-02-28T09:00:00Z"}}, "solved_at", "negative duration"),
        ({"via": {"channel": "carrier_pigeon"}}, "channel", "unknown value (carrier_pigeon"),
        ({"status": "archived"}, "status", "unknown value (archived"),
    ],
    ids=["malformed_line", "missing_id", "unparseable_timestamp", "negative_duration", "unknown_channel",
         "unknown_status"],
)
def test_each_kind_of_bad_row_is_quarantined_with_its_reason_and_good_rows_load(
    export_dir, warehouse, ticket, jsonl, bad, field, reason_start
):
    bad_row = bad if isinstance(bad, str) else ticket(2, **bad)
    path = jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1), bad_row, ticket(3)])
    report = load_all(warehouse, export_dir)
    assert _ticket_ids(warehouse) == ["1", "3"]
    assert [(line, f) for line, f, _ in _quarantine(warehouse)] == [(2, field)]
    assert _quarantine(warehouse)[0][2].startswith(reason_start)
    assert report.entities["tickets"].rows_quarantined == 1
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("SELECT DISTINCT source_file FROM raw.quarantine").fetchall() == [(str(path.resolve()),)]


def test_quarantine_keeps_the_original_record_for_repair(export_dir, warehouse, ticket, jsonl):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(7, created_at="31/02/2024")])
    load_all(warehouse, export_dir)
    con = duckdb.connect(str(warehouse), read_only=True)
    (record,) = con.execute("SELECT record FROM raw.quarantine").fetchone()
    assert '"31/02/2024"' in record
    assert '"id":7' in record.replace(" ", "")


def test_reloading_a_file_with_bad_rows_does_not_duplicate_the_quarantine(export_dir, warehouse, ticket, jsonl):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1), "{not json", ticket(2, status="weird")])
    load_all(warehouse, export_dir)
    load_all(warehouse, export_dir)
    assert len(_quarantine(warehouse)) == 2
    assert _ticket_ids(warehouse) == ["1"]


def test_fixing_a_file_clears_its_quarantine_and_loads_the_row(export_dir, warehouse, ticket, jsonl):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1), ticket(2, status="weird")])
    load_all(warehouse, export_dir)
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1), ticket(2)])
    load_all(warehouse, export_dir)
    assert _quarantine(warehouse) == []
    assert _ticket_ids(warehouse) == ["1", "2"]


def test_csv_row_with_wrong_field_count_is_quarantined_by_line(export_dir, warehouse, ticket, jsonl):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1)])
    jsonl(export_dir / "zendesk/users.jsonl", [{"id": 1001, "name": "Ana", "role": "agent"}])
    (export_dir / "qa").mkdir()
    (export_dir / "qa/qa_reviews.csv").write_text(
        "review_id,ticket_id,agent_id,reviewer_id,reviewed_at,tone,accuracy,compliance,resolution,comment\n"
        "q1,1,1001,7,2024-03-03T00:00:00Z,90,80,100,70,fine\n"
        "q2,1,1001,7,2024-03-03T00:00:00Z,ninety,80,100,70,bad score\n"
        "q3,1,1001,7,2024-03-03T00:00:00Z,90,80,100,70,too,many\n"
    )
    load_all(warehouse, export_dir)
    assert _quarantine(warehouse) == [
        (3, "tone_score", "not a number (ninety)"),
        (4, "(record)", "expected 10 fields, found 11"),
    ]


def test_an_empty_export_file_loads_zero_rows_and_the_rest_still_loads(export_dir, warehouse, ticket, jsonl):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1)])
    (export_dir / "zendesk/satisfaction_ratings.jsonl").write_bytes(b"")
    report = load_all(warehouse, export_dir)
    assert report.entities["satisfaction_ratings"].rows_read == 0
    assert report.entities["satisfaction_ratings"].files, "the empty file was read, not skipped as missing"
    assert _ticket_ids(warehouse) == ["1"]


def test_a_line_that_is_not_utf8_is_quarantined_with_its_bytes_shown_and_the_rest_loads(export_dir, warehouse,
                                                                                        ticket):
    lines = [json.dumps(ticket(1)).encode(), json.dumps(ticket(2, subject="caf\u00e9")).encode().replace(
        b"caf\\u00e9", b"caf\xe9"), json.dumps(ticket(3)).encode()]
    (export_dir / "zendesk").mkdir(parents=True)
    (export_dir / "zendesk/tickets.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    report = load_all(warehouse, export_dir)
    assert _ticket_ids(warehouse) == ["1", "3"]
    assert report.entities["tickets"].rows_quarantined == 1
    with duckdb.connect(str(warehouse), read_only=True) as con:
        line, field, reason, record = con.execute(
            "SELECT source_line, field, reason, record FROM raw.quarantine").fetchone()
    assert (line, field) == (2, "(record)")
    assert reason.startswith("malformed JSON")
    assert "caf\\xe9" in record


def test_a_lone_carriage_return_splits_no_record_and_shifts_no_line_number(export_dir, warehouse, ticket):
    first = json.dumps(ticket(1)).replace("Deposit not credited", "Deposit\rnot credited")
    lines = [first, json.dumps(ticket(2)), '{"id": 3, "subject": "truncated']
    (export_dir / "zendesk").mkdir(parents=True)
    (export_dir / "zendesk/tickets.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")
    load_all(warehouse, export_dir)
    quarantined = _quarantine(warehouse)
    assert [row[0] for row in quarantined if row[0] != 1] == [3], "the truncated record is on line 3"
    assert len([row for row in quarantined if row[0] == 1]) <= 1, "the first record is one record"
    assert "2" in _ticket_ids(warehouse)


def test_an_id_exported_as_a_whole_number_with_a_fraction_is_the_same_ticket(export_dir, warehouse, ticket, jsonl):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(40011), ticket(40011.0, updated_at="2024-03-02T11:00:00Z")])
    load_all(warehouse, export_dir)
    assert _ticket_ids(warehouse) == ["40011"]
