"""int_backlog_ticket_references_extracted on a tiny warehouse, with a real ``dbt build``."""

from __future__ import annotations

from pathlib import Path

import duckdb

from closedloop.ingest.schema import ENTITIES, create_all_sql, migrate_sql

TICKET = {"created_at": "2024-03-01 09:00:00", "updated_at": "2024-03-02 09:00:00", "status": "solved",
          "channel": "chat"}
ITEM = {"item_type": "bug", "status": "Done", "status_category": "done", "created_at": "2024-03-05 09:00:00",
        "updated_at": "2024-03-20 09:00:00"}


def _warehouse(path: Path) -> Path:
    tickets = [
        {"ticket_id": "40001", **TICKET},
        {"ticket_id": "40002", **TICKET},
        {"ticket_id": "40003", **TICKET, "backlog_key": "EX-3"},
    ]
    items = [
        {"item_id": "EX-1", **ITEM, "summary_redacted": "Deposit lag",
         "description_redacted": "Reported in tickets #40001, #40002. Step #2 retries."},
        {"item_id": "EX-2", **ITEM, "summary_redacted": "Withdrawal stuck", "description_redacted": "",
         "helpdesk_links": "https://help.example.com/agent/tickets/40002,https://help.example.com/agent/tickets/7"},
        {"item_id": "EX-3", **ITEM, "summary_redacted": "Crash on open", "description_redacted": "See #40003"},
    ]
    with duckdb.connect(str(path)) as con:
        for statement in create_all_sql():
            con.execute(statement)
        for table, records in (("tickets", tickets), ("backlog_items", items)):
            for record in records:
                marks = ", ".join("?" for _ in record)
                con.execute(f"insert into raw.{table} ({', '.join(record)}) values ({marks})", list(record.values()))
        for statement in migrate_sql(ENTITIES["backlog_items"]):  # the redacted twins, as the ingestion fills them
            con.execute(statement)
    return path


def test_dbt_build_extracts_every_explicit_reference_with_its_evidence(tmp_path, dbt_build):
    warehouse = _warehouse(tmp_path / "warehouse.duckdb")
    output = dbt_build(warehouse, tmp_path, "--select", "+int_backlog_ticket_references_extracted",
                       "--indirect-selection", "cautious")
    assert "int_backlog_ticket_references_extracted::" in output  # its unit tests ran
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("select item_id, ticket_id, evidence, evidence_count "
                           "from intermediate.int_backlog_ticket_references_extracted "
                           "order by item_id, ticket_id").fetchall()
    assert rows == [
        ("EX-1", "40001", "ticket_id_in_text", 1),
        ("EX-1", "40002", "ticket_id_in_text", 1),
        ("EX-2", "40002", "helpdesk_link", 1),
        ("EX-3", "40003", "backlog_key_on_ticket", 2),
    ]
