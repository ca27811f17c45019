"""Demo exports generated once per test session (5,000 tickets, seed 7), parsed once."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from closedloop.demo import DemoSummary, generate

Record = dict[str, Any]


def _read_jsonl(path: Path) -> list[Record]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def small_args() -> dict[str, int]:
    """Arguments of the shared demo run."""
    return {"tickets": 5000, "seed": 7}


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory, small_args: dict[str, int]) -> DemoSummary:
    """The demo exports of 5,000 tickets with seed 7."""
    return generate(tmp_path_factory.mktemp("demo") / "out", **small_args)


@pytest.fixture(scope="session")
def read_jsonl() -> Callable[[Path], list[Record]]:
    """Reader of JSON-lines files."""
    return _read_jsonl


@pytest.fixture(scope="session")
def read_csv() -> Callable[[Path], list[dict[str, str]]]:
    """Reader of CSV files (rows as dicts)."""
    return _read_csv


@pytest.fixture(scope="session")
def tickets(demo: DemoSummary) -> dict[int, Record]:
    """Latest version of every ticket in ``zendesk/tickets.jsonl`` (by ``updated_at``)."""
    latest: dict[int, Record] = {}
    for ticket in _read_jsonl(demo.out / "zendesk" / "tickets.jsonl"):
        known = latest.get(ticket["id"])
        if known is None or ticket["updated_at"] >= known["updated_at"]:
            latest[ticket["id"]] = ticket
    return latest


@pytest.fixture(scope="session")
def audits(demo: DemoSummary) -> dict[int, list[Record]]:
    """Audits per ticket id, in file order."""
    by_ticket: dict[int, list[Record]] = defaultdict(list)
    for audit in _read_jsonl(demo.out / "zendesk" / "ticket_audits.jsonl"):
        by_ticket[audit["ticket_id"]].append(audit)
    return dict(by_ticket)


@pytest.fixture(scope="session")
def truth_tickets(demo: DemoSummary) -> dict[int, dict[str, str]]:
    """Rows of ``truth/tickets.csv`` by ticket id."""
    return {int(row["ticket_id"]): row for row in _read_csv(demo.out / "truth" / "tickets.csv")}


@pytest.fixture(scope="session")
def users(demo: DemoSummary) -> dict[int, Record]:
    """Help-desk users by id."""
    return {u["id"]: u for u in _read_jsonl(demo.out / "zendesk" / "users.jsonl")}


@pytest.fixture(scope="session")
def custom_field() -> Callable[[Record, int], Any]:
    """Value of a ticket's custom field by id."""

    def value(ticket: Record, field_id: int) -> Any:
        return next(f["value"] for f in ticket["custom_fields"] if f["id"] == field_id)

    return value
