"""A real ``dbt build``: the low-information bucket is no theme, and a detected language fills a missing one.

The hand-written tickets of ``test_marts_on_handwritten_tickets.py`` (101-106 resolved), with two of
them (103, 105) exported without a language, and the theme step's tables filled as a fit leaves them:
theme T0000 holds 101, 102, 105 and 106; the low-information bucket T0001 (``theme_kind``
``low_information``) holds 103 and 104; the detected languages say 103 is Portuguese and 105 too
short to tell (``und``).
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from topics.store import ensure_schema

pytestmark = pytest.mark.slow


def _handwritten_rows() -> dict[str, list[dict[str, Any]]]:
    spec = importlib.util.spec_from_file_location(
        "handwritten_tickets", Path(__file__).with_name("test_marts_on_handwritten_tickets.py"))
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows: dict[str, list[dict[str, Any]]] = module.handwritten_rows()
    for ticket in rows["tickets"]:
        if ticket["ticket_id"] in ("103", "105"):
            ticket["language"] = None
    return rows


def _theme_rows(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        ensure_schema(con)
        for theme_id, label, kind, size in (("T0000", "Deposit not credited", "theme", 4),
                                            ("T0001", "Low-information text", "low_information", 2)):
            con.execute("insert into topics.themes (theme_id, label, keywords, representative_ticket_ids, size, "
                        "is_ignored, model_version, created_at, updated_at, is_retired, theme_kind) values "
                        "(?, ?, ?, '[]', ?, false, 'v1', now()::timestamp, now()::timestamp, false, ?)",
                        [theme_id, label, json.dumps([label.lower()]), size, kind])
        for ticket_id, theme_id in (("101", "T0000"), ("102", "T0000"), ("103", "T0001"), ("104", "T0001"),
                                    ("105", "T0000"), ("106", "T0000")):
            con.execute("insert into topics.ticket_themes values (?, ?, 0.9, 'v1', 'fit', now()::timestamp)",
                        [ticket_id, theme_id])
        con.execute("insert into topics.ticket_languages values ('103', 'pt', 0.99), ('105', 'und', 0.0)")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, raw_warehouse: Callable[..., Path],
              dbt_build: Callable[..., str]) -> Path:
    """The warehouse built by ``dbt build`` over those rows."""
    work = tmp_path_factory.mktemp("lowinfo")
    path = raw_warehouse(work / "warehouse.duckdb", _handwritten_rows())
    _theme_rows(path)
    dbt_build(path, work)
    return path


def test_detected_language_fills_a_missing_one(warehouse: Path, mart: Callable[..., list[dict[str, Any]]]) -> None:
    """fct_tickets.language: the export's when it has one, else the detected one; 'und' stays 'unknown'."""
    rows = mart(warehouse, "select ticket_id, language from marts.fct_tickets")
    languages = {r["ticket_id"]: r["language"] for r in rows}
    assert languages["103"] == "pt"
    assert languages["105"] == "unknown"
    assert languages["102"] == "de"
    assert languages["101"] == "en"


def test_low_information_is_no_theme_but_is_counted(warehouse: Path,
                                                    mart: Callable[..., list[dict[str, Any]]]) -> None:
    """The bucket is absent from theme lists and theme tickets, and fct_low_information_weekly counts it."""
    themes = {r["theme_id"] for r in mart(warehouse, "select theme_id from marts.dim_themes")}
    assert themes == {"T0000"}
    themed = {r["ticket_id"] for r in mart(warehouse, "select ticket_id from marts.fct_ticket_themes")}
    assert themed == {"101", "102", "105", "106"}
    weekly = mart(warehouse, "select sum(low_information_tickets) as low, sum(tickets) as tickets "
                             "from marts.fct_low_information_weekly")
    assert weekly == [{"low": 2, "tickets": 6}]
