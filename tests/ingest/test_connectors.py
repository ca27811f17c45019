"""Each connector loads real-shaped export files into the canonical raw tables."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from closedloop.core.errors import UnreadableFileError
from closedloop.ingest import load_all
from closedloop.ingest.config import load_config
from closedloop.ingest.readers import Batch, read_ahead, read_batches


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_zendesk_tickets_map_channels_custom_fields_and_solve_time(export_dir, warehouse, ticket, jsonl):
    jsonl(export_dir / "zendesk/tickets.jsonl", [
        ticket(1, via={"channel": "mobile_sdk"},
               custom_fields=[{"id": 360010000001, "value": "tr"}, {"id": 360010000006, "value": "XRP"},
                              {"id": 360010000007, "value": "125.50"}, {"id": 360010000008, "value": "manual"}]),
        ticket(2, via={"channel": "voice"}, priority=None),
        ticket(3, via={"channel": "twitter"}),
    ])
    load_all(warehouse, export_dir)
    rows = _rows(warehouse, "SELECT ticket_id, channel, language, priority, recovery_asset, recovery_amount, "
                            "recovery_method, solved_at::VARCHAR FROM raw.tickets ORDER BY ticket_id")
    assert rows == [
        ("1", "in_app", "tr", "normal", "XRP", 125.5, "manual", "2024-03-01 11:00:00"),
        ("2", "phone", "en", "normal", None, None, None, "2024-03-01 11:00:00"),
        ("3", "social", "en", "normal", None, None, None, "2024-03-01 11:00:00"),
    ]


def test_zendesk_audits_become_one_row_per_event_and_skip_notifications(export_dir, warehouse, ticket, jsonl):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1)])
    jsonl(export_dir / "zendesk/ticket_audits.jsonl", [{
        "id": 7001, "ticket_id": 1, "created_at": "2024-03-01T09:02:30Z", "author_id": 1001,
        "via": {"channel": "web"},
        "events": [
            {"id": 1, "type": "Comment", "public": True, "author_id": 1001, "body": "Hi, checking now"},
            {"id": 2, "type": "Change", "field_name": "group_id", "value": "3", "previous_value": "2"},
            {"id": 3, "type": "Notification", "subject": "ignored"},
        ],
    }])
    load_all(warehouse, export_dir)
    rows = _rows(warehouse, "SELECT event_id, audit_id, ticket_id, event_type, field_name, value, previous_value, "
                            "is_public, author_id, created_at::VARCHAR FROM raw.ticket_events ORDER BY event_id")
    assert rows == [
        ("1", "7001", "1", "comment", None, None, None, True, "1001", "2024-03-01 09:02:30"),
        ("2", "7001", "1", "change", "group_id", "3", "2", None, "1001", "2024-03-01 09:02:30"),
    ]


def test_zendesk_satisfaction_users_and_groups_load(export_dir, warehouse, ticket, jsonl):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(5, group_id=1), ticket(6, group_id=1)])
    jsonl(export_dir / "zendesk/satisfaction_ratings.jsonl", [
        {"id": 1, "ticket_id": 5, "score": "good", "rating": 5, "comment": "fast, thanks",
         "created_at": "2024-03-02T00:00:00Z", "updated_at": "2024-03-02T01:00:00Z"},
        {"id": 2, "ticket_id": 6, "score": "offered", "rating": None,
         "created_at": "2024-03-02T00:00:00Z", "updated_at": "2024-03-02T00:00:00Z"},
    ])
    jsonl(export_dir / "zendesk/users.jsonl", [
        {"id": 999, "name": "Answer Bot", "role": "agent", "default_group_id": 1, "active": True,
         "user_fields": {"is_bot": True}, "created_at": "2023-01-01T00:00:00Z"},
        {"id": 1001, "name": "Ana", "role": "agent", "default_group_id": 2, "active": True,
         "user_fields": {"is_bot": False}, "created_at": "2023-01-01T00:00:00Z"},
        {"id": 5, "name": "A customer", "role": "end-user", "created_at": "2023-01-01T00:00:00Z"},
    ])
    jsonl(export_dir / "zendesk/groups.jsonl", [{"id": 1, "name": "Bot", "created_at": "2023-01-01T00:00:00Z"}])
    load_all(warehouse, export_dir)
    assert _rows(warehouse, "SELECT rating_id, score, rating FROM raw.satisfaction_ratings ORDER BY 1") == [
        ("1", "good", 5), ("2", "offered", None)]
    assert _rows(warehouse, "SELECT agent_id, is_bot FROM raw.agents ORDER BY 1") == [("1001", False), ("999", True)]
    assert _rows(warehouse, "SELECT group_id, name FROM raw.groups") == [("1", "Bot")]


def test_jira_search_pages_load_items_with_types_links_and_ship_dates(export_dir, warehouse):
    page = {"startAt": 0, "maxResults": 100, "total": 2, "issues": [
        {"id": "10001", "key": "EX-1", "fields": {
            "summary": "Memo field not validated for XRP deposits", "description": "Reported in tickets #48213",
            "issuetype": {"name": "Bug"}, "status": {"name": "Done", "statusCategory": {"key": "done"}},
            "priority": {"name": "High"}, "created": "2024-02-01T10:00:00.000+0000",
            "updated": "2024-03-05T10:00:00.000+0000", "resolutiondate": "2024-03-05T09:30:00.000+0100",
            "labels": ["deposits"], "components": [{"name": "Wallet"}], "parent": {"key": "EX-100"},
            "customfield_10050": "https://help.example.com/agent/tickets/48213"}},
        {"id": "10002", "key": "EX-2", "fields": {
            "summary": "Dark mode", "description": None, "issuetype": {"name": "Story"},
            "status": {"name": "In Progress", "statusCategory": {"key": "indeterminate"}},
            "created": "2024-02-01T10:00:00.000+0000", "updated": "2024-02-02T10:00:00.000+0000",
            "resolutiondate": None, "labels": []}},
    ]}
    (export_dir / "jira").mkdir()
    (export_dir / "jira/issues-0000.json").write_text(json.dumps(page))
    load_all(warehouse, export_dir)
    rows = _rows(warehouse, "SELECT item_id, item_type, status_category, shipped_at::VARCHAR, parent_key, "
                            "helpdesk_links, components FROM raw.backlog_items ORDER BY 1")
    assert rows == [
        ("EX-1", "bug", "done", "2024-03-05 08:30:00", "EX-100", "https://help.example.com/agent/tickets/48213",
         '["Wallet"]'),
        ("EX-2", "story", "indeterminate", None, None, None, None),
    ]


def test_generic_csv_with_column_and_value_mapping_loads_another_help_desk(export_dir, warehouse):
    (export_dir / "freshdesk").mkdir()
    (export_dir / "freshdesk/tickets.csv").write_text(
        "id,created,modified,resolved,title,text,state,source\n"
        "11,2024-05-01 10:00:00,2024-05-01 12:00:00,2024-05-01 12:00:00,Cannot withdraw,stuck since noon,5,7\n"
        "12,2024-05-02 10:00:00,2024-05-02 12:00:00,,KYC,\"my passport, rejected\",2,1\n"
    )
    (export_dir / "closedloop-sources.yml").write_text(yaml.safe_dump({"tickets": {
        "connector": "generic", "files": "freshdesk/*.csv",
        "columns": {"ticket_id": "id", "created_at": "created", "updated_at": "modified", "solved_at": "resolved",
                    "subject": "title", "body": "text", "status": "state", "channel": "source"},
        "values": {"status": {"5": "closed", "2": "open"}, "channel": {"7": "chat", "1": "email"}},
        "defaults": {"priority": "normal", "language": "en"},
    }}))
    load_all(warehouse, export_dir)
    assert _rows(warehouse, "SELECT ticket_id, status, channel, priority, body, source_line "
                            "FROM raw.tickets ORDER BY 1") == [
        ("11", "closed", "chat", "normal", "stuck since noon", 2),
        ("12", "open", "email", "normal", "my passport, rejected", 3),
    ]


def test_generic_parquet_and_jsonl_sources_load_qa_reviews(export_dir, warehouse, ticket, jsonl):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1), ticket(2)])
    # A QA review's agent is required, so it must be a loaded agent (the dbt relationships test says so too).
    jsonl(export_dir / "zendesk/users.jsonl", [{"id": 1001, "name": "Ana", "role": "agent"},
                                               {"id": 1002, "name": "Raj", "role": "agent"}])
    (export_dir / "qa").mkdir()
    pq.write_table(pa.table({"review_id": ["r1"], "ticket_id": [1], "agent_id": [1001], "reviewed_at":
                             ["2024-03-03T00:00:00Z"], "tone": [90], "accuracy": [80], "compliance": [100],
                             "resolution": [70]}), export_dir / "qa/reviews.parquet")
    (export_dir / "qa/more.jsonl").write_text(json.dumps(
        {"review_id": "r2", "ticket_id": 2, "agent_id": 1002, "reviewed_at": "2024-03-04T00:00:00Z",
         "tone": 50, "accuracy": 60, "compliance": 70, "resolution": 80}) + "\n")
    (export_dir / "closedloop-sources.yml").write_text(yaml.safe_dump({"qa_audits": {
        "files": ["qa/*.parquet", "qa/*.jsonl"]}}))
    load_all(warehouse, export_dir)
    assert _rows(warehouse, "SELECT audit_id, ticket_id, tone_score, resolution_score FROM raw.qa_audits "
                            "ORDER BY 1") == [("r1", "1", 90.0, 70.0), ("r2", "2", 50.0, 80.0)]


def test_values_are_trimmed_of_unicode_spaces_and_blank_values_and_lines_are_skipped(
    export_dir, warehouse, ticket, jsonl
):
    jsonl(export_dir / "zendesk/tickets.jsonl", [
        ticket(1, subject="\u3000 Withdrawal stuck\u00a0", description=" sent 5 BTC\n"),
        "   ",
        ticket(2, subject="  ", description="", raw_subject="KYC"),
    ])
    report = load_all(warehouse, export_dir)
    assert _rows(warehouse, "SELECT ticket_id, subject, body, source_line FROM raw.tickets ORDER BY 1") == [
        ("1", "Withdrawal stuck", "sent 5 BTC\n", 1),
        ("2", None, None, 3),
    ]
    assert report.entities["tickets"].rows_quarantined == 0


def test_reading_ahead_keeps_batch_order_and_raises_read_errors_in_place():
    def batches():
        for n in range(3):
            yield Batch(pa.table({"source_line": [n]}), True)
        raise UnreadableFileError(Path("tickets.jsonl"), "truncated")

    ahead = read_ahead(batches())
    assert [next(ahead).table["source_line"][0].as_py() for _ in range(3)] == [0, 1, 2]
    with pytest.raises(UnreadableFileError, match=r"tickets\.jsonl"):
        next(ahead)


def test_a_source_that_matches_no_file_is_a_warning_naming_its_pattern(export_dir, warehouse, ticket, jsonl,
                                                                       caplog):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1)])
    with caplog.at_level(logging.WARNING, logger="closedloop.ingest"):
        report = load_all(warehouse, export_dir)
    assert report.entities["tickets"].rows_valid == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(w.startswith("raw_qa_audits: no file matches qa/*.csv in ") and str(export_dir) in w
               for w in warnings), warnings
    assert not any(w.startswith("raw_tickets:") for w in warnings)


def test_a_bad_line_deep_in_a_large_file_reads_every_line_once_in_order(tmp_path, ticket):
    """Past Arrow's first 8 MB block, the line-by-line reader takes over after the lines already read."""
    path = tmp_path / "tickets.jsonl"
    good = [json.dumps(ticket(i, description="x" * 300)).encode() for i in range(1, 30_001)]
    path.write_bytes(b"\n".join([*good, b'{"id": 30001, "subject": "caf\xe9"}', good[0]]) + b"\n")
    batches = list(read_batches(path, load_config()["tickets"], batch_rows=1_000))
    lines = [n for b in batches for n in b.table.column("source_line").to_pylist()]
    assert lines == list(range(1, 30_003))
    texts = [t for b in batches for t in b.table.column("line").to_pylist()]
    assert "caf\\xe9" in texts[30_000]
