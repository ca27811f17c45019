"""Only redacted text leaves the raw layer: every raw text column is redacted or a code, and staging obeys.

Adding a text column to a raw entity breaks these tests until it is either redacted
(``Column(redact=True)``, and staging selects ``<name>_redacted``) or listed below as an id,
enum or code that holds no free text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb

from closedloop.ingest import load_all, open_warehouse
from closedloop.ingest.schema import ENTITIES

STAGING = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "staging"

#: Raw VARCHAR columns that are not free text: ids, enums, codes and the staff directory's names.
NOT_FREE_TEXT: dict[str, set[str]] = {
    "tickets": {"ticket_id", "status", "priority", "channel", "language", "requester_id", "assignee_id", "group_id",
                "backlog_key", "security_action", "recovery_asset", "recovery_method", "recovery_status",
                "source_name"},  # the app, brand or product the mapping names
    "ticket_events": {"event_id", "audit_id", "ticket_id", "author_id", "event_type", "field_name"},
    "satisfaction_ratings": {"rating_id", "ticket_id", "score", "assignee_id", "requester_id"},
    "qa_audits": {"audit_id", "ticket_id", "agent_id", "reviewer_id"},
    "backlog_items": {"item_id", "item_type", "status", "status_category", "priority", "parent_key"},
    "agents": {"agent_id", "name", "role", "default_group_id"},  # agents' display names, kept for dashboards
    "groups": {"group_id", "name"},
    # help-desk configuration: schedule and policy names, time zones, JSON of intervals and filters
    "schedules": {"schedule_id", "name", "time_zone", "intervals"},
    "schedule_holidays": {"holiday_id", "schedule_id", "name"},
    "sla_policies": {"policy_id", "title", "filter", "policy_metrics"},
    "group_tiers": {"group_name", "tier", "schedule_id"},  # the account's own configuration
}


def test_every_raw_text_column_is_redacted_or_listed_as_not_free_text():
    unclassified, stale = [], []
    for name, entity in ENTITIES.items():
        allowed = NOT_FREE_TEXT.get(name, set())
        for col in entity.columns:
            if col.type == "VARCHAR" and not col.redact and col.name not in allowed:
                unclassified.append(f"{name}.{col.name}")
            if col.name in allowed and col.redact:
                stale.append(f"{name}.{col.name}")
        stale += [f"{name}.{c}" for c in allowed - {col.name for col in entity.columns}]
    assert unclassified == [], "redact these columns or list them in NOT_FREE_TEXT"
    assert stale == []


def _raw_columns_read(sql: str) -> set[str]:
    """Identifiers a staging model reads from its source, aliases and literals left out."""
    sql = re.sub(r"--[^\n]*", " ", sql)
    sql = re.sub(r"\{\{.*?\}\}", " ", sql, flags=re.S)
    sql = re.sub(r"'(?:[^']|'')*'", " ", sql)
    sql = re.sub(r"\bas\s+\w+", " ", sql, flags=re.I)
    return set(re.findall(r"\b[a-z_][a-z0-9_]*\b", sql.lower()))


#: Raw tables that closedloop writes about the load, not from the exports' text.
LOAD_TABLES = {"source_defaults"}


def test_staging_models_read_only_redacted_text_from_raw():
    leaks = []
    read: set[str] = set()
    for path in sorted(STAGING.rglob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        for source in re.findall(r"source\('raw',\s*'(\w+)'\)", sql):
            if source in LOAD_TABLES:
                continue
            read.add(source)
            entity = ENTITIES[source]
            redacted = {col.name for col in entity.columns if col.redact}
            text = {col.name for col in entity.columns if col.type == "VARCHAR"} - NOT_FREE_TEXT[entity.name]
            assert text <= redacted  # every free-text column has a redacted twin to read instead
            leaks += [f"{path.name}: {c}" for c in sorted(_raw_columns_read(sql) & text)]
    assert read == set(ENTITIES)
    assert leaks == []


def test_audit_values_links_labels_and_tags_are_redacted_at_ingest(export_dir: Path, warehouse: Path, jsonl, ticket):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1, tags=["vip", "callback +44 20 7946 0958"])])
    jsonl(export_dir / "zendesk/ticket_audits.jsonl", [{
        "id": 7001, "ticket_id": 1, "created_at": "2024-03-01T09:02:30Z", "author_id": 1001,
        "events": [
            {"id": 1, "type": "Change", "field_name": "group_id", "value": "4111111111111111",
             "previous_value": "2"},
            {"id": 2, "type": "Change", "field_name": "status", "value": "solved", "previous_value": "open"},
            {"id": 3, "type": "Change", "field_name": "requester_email", "value": "ana.silva@uol.com.br",
             "previous_value": "call 13900139002"},
            {"id": 4, "type": "Change", "field_name": "assignee_id", "value": "ana.silva@uol.com.br",
             "previous_value": "13900139002"},
        ],
    }])
    page = {"startAt": 0, "maxResults": 100, "total": 1, "issues": [{"id": "10001", "key": "EX-1", "fields": {
        "summary": "Memo", "issuetype": {"name": "Bug"}, "status": {"name": "Done", "statusCategory": {"key": "done"}},
        "created": "2024-02-01T10:00:00.000+0000", "updated": "2024-03-05T10:00:00.000+0000",
        "resolutiondate": "2024-03-05T09:30:00.000+0100", "labels": ["from ivan.petrov@mail.ru"],
        "components": [{"name": "Wallet"}],
        "customfield_10050": "https://help.example.com/agent/tickets/48213, mailto:olga@yandex.ru"}}]}
    (export_dir / "jira").mkdir()
    (export_dir / "jira/issues-0000.json").write_text(json.dumps(page))
    load_all(warehouse, export_dir)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        events = con.execute("SELECT field_name, value_redacted, previous_value_redacted FROM raw.ticket_events "
                             "ORDER BY event_id").fetchall()
        item = con.execute("SELECT helpdesk_links_redacted, labels_redacted, components_redacted "
                           "FROM raw.backlog_items").fetchone()
        tags = con.execute("SELECT tags_redacted FROM raw.tickets").fetchone()
    assert events == [("group_id", "4111111111111111", "2"),  # ids of code fields stay as they are
                      ("status", "solved", "open"),
                      ("requester_email", "<EMAIL>", "call <PHONE>"),
                      ("assignee_id", "<EMAIL>", "13900139002")]  # only one-token codes stay verbatim
    assert item == ("https://help.example.com/agent/tickets/48213, mailto:<EMAIL>", '["from <EMAIL>"]', '["Wallet"]')
    assert tags == ('["vip","callback <PHONE>"]',)


def test_an_older_raw_table_gains_and_fills_the_redacted_twins(warehouse: Path):
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE SCHEMA raw")
        con.execute("CREATE TABLE raw.ticket_events (event_id VARCHAR, audit_id VARCHAR, ticket_id VARCHAR, "
                    "created_at TIMESTAMP, author_id VARCHAR, event_type VARCHAR, field_name VARCHAR, value VARCHAR, "
                    "previous_value VARCHAR, is_public BOOLEAN, source_file VARCHAR, source_line BIGINT, "
                    "loaded_at TIMESTAMP)")
        con.execute("INSERT INTO raw.ticket_events (event_id, field_name, value, previous_value) VALUES "
                    "('1', 'status', 'solved', 'open'), ('2', 'note', 'mail x.y@gmail.com', NULL)")
    open_warehouse(warehouse).close()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT event_id, value_redacted, previous_value_redacted FROM raw.ticket_events "
                           "ORDER BY 1").fetchall() == [("1", "solved", "open"), ("2", "mail <EMAIL>", None)]
