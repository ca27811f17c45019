"""Re-loading is idempotent and later versions replace earlier ones."""

from __future__ import annotations

from pathlib import Path

import duckdb

from closedloop.ingest import load_all
from closedloop.ingest.config import load_config
from closedloop.ingest.readers import BATCH_ROWS, read_batches


def _scalar(warehouse: Path, sql: str) -> object:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        row = con.execute(sql).fetchone()
        return row[0] if row else None
    finally:
        con.close()


def test_reingesting_the_same_export_adds_no_rows(export_dir, warehouse, ticket, jsonl):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(i) for i in range(1, 51)])
    jsonl(export_dir / "zendesk/ticket_audits.jsonl", [
        {"id": 100 + i, "ticket_id": i, "created_at": "2024-03-01T09:00:00Z", "author_id": 5,
         "events": [{"id": 1000 + i, "type": "Create", "field_name": "status", "value": "new"}]}
        for i in range(1, 51)])
    first = load_all(warehouse, export_dir)
    second = load_all(warehouse, export_dir)
    assert first.entities["tickets"].rows_added == 50
    assert second.entities["tickets"].rows_added == 0
    assert second.entities["ticket_events"].rows_added == 0
    assert _scalar(warehouse, "SELECT count(*) FROM raw.tickets") == 50
    assert _scalar(warehouse, "SELECT count(*) FROM raw.ticket_events") == 50


def test_a_later_version_of_a_ticket_replaces_the_earlier_one(export_dir, warehouse, ticket, jsonl):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1, status="open", metric_set={})])
    load_all(warehouse, export_dir)
    jsonl(export_dir / "zendesk/tickets-2.jsonl", [ticket(1, status="solved", updated_at="2024-03-02T00:00:00Z")])
    load_all(warehouse, export_dir)
    assert _scalar(warehouse, "SELECT count(*) FROM raw.tickets") == 1
    assert _scalar(warehouse, "SELECT status FROM raw.tickets") == "solved"


def test_an_older_version_never_overwrites_a_newer_one(export_dir, warehouse, ticket, jsonl):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1, status="closed", updated_at="2024-04-01T00:00:00Z"),
                                                 ticket(1, status="open", metric_set={})])
    load_all(warehouse, export_dir)
    assert _scalar(warehouse, "SELECT status FROM raw.tickets") == "closed"


def test_of_two_versions_with_the_same_update_time_the_later_line_wins(export_dir, warehouse, ticket, jsonl):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1, status="open"), ticket(2), ticket(1, status="closed")])
    report = load_all(warehouse, export_dir)
    assert _scalar(warehouse, "SELECT status FROM raw.tickets WHERE ticket_id = '1'") == "closed"
    assert _scalar(warehouse, "SELECT source_line FROM raw.tickets WHERE ticket_id = '1'") == 3
    assert report.entities["tickets"].rows_valid == 3
    assert report.entities["tickets"].rows_in_table == 2


def test_across_the_batches_of_a_large_file_the_latest_version_wins(export_dir, warehouse, ticket):
    """A file of several batches (mapped and merged overlapping) keeps the latest version of each ticket."""
    filler = BATCH_ROWS * 3
    newest = filler // 2
    versions = {0: ("open", "2024-03-02T00:00:00Z"), newest: ("closed", "2024-03-04T00:00:00Z"),
                filler - 1: ("pending", "2024-03-03T00:00:00Z")}
    path = export_dir / "zendesk" / "tickets.jsonl"
    path.parent.mkdir(parents=True)
    with path.open("w", encoding="utf-8") as handle:
        for n in range(filler):
            status, updated = versions.get(n, ("solved", "2024-03-01T10:00:00Z"))
            ticket_id = 1 if n in versions else n + 10
            handle.write(f'{{"id": {ticket_id}, "created_at": "2024-03-01T09:00:00Z", "updated_at": "{updated}", '
                         f'"status": "{status}", "via": {{"channel": "email"}}}}\n')
    last_lines = [b.table.column("source_line")[-1].as_py() for b in read_batches(path, load_config()["tickets"])]
    assert len({sum(line + 1 > last for last in last_lines) for line in versions}) == 3  # one version per batch
    report = load_all(warehouse, export_dir, entities=("tickets",))
    assert report.entities["tickets"].rows_in_table == filler - 2
    assert _scalar(warehouse, "SELECT status FROM raw.tickets WHERE ticket_id = '1'") == "closed"
    assert _scalar(warehouse, "SELECT source_line FROM raw.tickets WHERE ticket_id = '1'") == newest + 1
