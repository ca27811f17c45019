"""Builders for small, real-shaped export folders."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def zendesk_ticket(ticket_id: int, **overrides: Any) -> dict[str, Any]:
    """A ticket as Zendesk's incremental export returns it (include=metric_sets)."""
    ticket: dict[str, Any] = {
        "url": f"https://example.zendesk.com/api/v2/tickets/{ticket_id}.json",
        "id": ticket_id,
        "created_at": "2024-03-01T09:00:00Z",
        "updated_at": "2024-03-01T11:00:00Z",
        "type": "question",
        "subject": f"Deposit not credited #{ticket_id}",
        "raw_subject": f"Deposit not credited #{ticket_id}",
        "description": "I sent 250 USDT two hours ago and it is still not in my account, pls help",
        "priority": "normal",
        "status": "solved",
        "requester_id": 900000 + ticket_id,
        "submitter_id": 900000 + ticket_id,
        "assignee_id": 1001,
        "group_id": 2,
        "tags": ["deposit", "usdt"],
        "via": {"channel": "chat", "source": {"from": {}, "to": {}, "rel": None}},
        "custom_fields": [{"id": 360010000001, "value": "en"}, {"id": 360010000002, "value": None}],
        "metric_set": {"solved_at": "2024-03-01T11:00:00Z", "reopens": 0, "replies": 1},
    }
    ticket.update(overrides)
    return ticket


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    """Write rows (dicts, or raw strings for malformed lines) as JSON lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write((row if isinstance(row, str) else json.dumps(row)) + "\n")
    return path


@pytest.fixture
def export_dir(tmp_path: Path) -> Path:
    """An empty export folder."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """Path of a fresh DuckDB warehouse file."""
    return tmp_path / "warehouse.duckdb"


@pytest.fixture
def ticket() -> Callable[..., dict[str, Any]]:
    """Factory for Zendesk ticket records."""
    return zendesk_ticket


@pytest.fixture
def jsonl() -> Callable[[Path, list[Any]], Path]:
    """Writer of JSON-lines files."""
    return write_jsonl
