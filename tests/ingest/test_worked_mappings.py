"""The worked mappings of docs/export-formats.md load small exports of their shape, and dbt builds on them.

Each mapping is read from the document itself (the fenced block that starts with
``# worked mapping: <name>``), so the documentation cannot drift from what runs. The exports are
written here, in each tool's shape, small enough to check by hand.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from closedloop.core.errors import ConfigError
from closedloop.ingest import load_all
from closedloop.ingest.config import load_config
from tests.dbt.conftest import _dbt_build

DOC = Path(__file__).resolve().parents[2] / "docs" / "export-formats.md"


def worked_mappings() -> dict[str, str]:
    """Name -> YAML of every ``# worked mapping:`` block of the export-formats document."""
    blocks = re.findall(r"```yaml\n# worked mapping: ([^\n]+)\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return {name.strip(): body for name, body in blocks}


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def _csv(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _app_store(folder: Path) -> None:
    def review(rid: str, when: str, rating: int, title: str, body: str) -> dict[str, Any]:
        return {"type": "customerReviews", "id": rid, "attributes": {
            "rating": rating, "title": title, "body": body, "reviewerNickname": "kiwi", "createdDate": when,
            "territory": "USA"}}
    _jsonl(folder / "appstore/customer_reviews.jsonl", [
        review("00000011-aaaa", "2024-03-01T10:00:00-07:00", 1, "Crashes", "The app crashes when I open my wallet"),
        review("00000012-aaaa", "2024-03-02T08:30:00-07:00", 5, "Love it", "Fast deposits, clean design"),
        review("00000013-aaaa", "2024-03-03T21:15:00-07:00", 4, "Good", "Login with face id works again"),
    ])


def _google_play(folder: Path) -> None:
    def review(link: str, millis: int, stars: int, text: str) -> dict[str, Any]:
        return {"Package Name": "com.acme.wallet", "App Version Code": "312", "Reviewer Language": "en",
                "Review Submit Millis Since Epoch": millis, "Review Last Update Millis Since Epoch": millis,
                "Star Rating": stars, "Review Title": "", "Review Text": text,
                "Review Link": f"https://play.google.com/console/developers/reviews?reviewId={link}"}
    _csv(folder / "googleplay/reviews_com.acme.wallet_202403.csv", [
        review("gp1", 1709287200000, 2, "Withdrawal stuck for two days"),
        review("gp2", 1709373600000, 5, ""),  # stars only, no text: still a rating
    ])


def _freshdesk(folder: Path) -> None:
    def ticket(tid: int, status: int, source: int, resolved: str | None, group: int | None) -> dict[str, Any]:
        return {"id": tid, "subject": f"Card declined #{tid}", "description_text": "My card is declined at checkout",
                "status": status, "priority": 2, "source": source, "group_id": group, "requester_id": 7000 + tid,
                "created_at": "2024-03-04T09:00:00Z", "updated_at": "2024-03-04T12:00:00Z",
                "stats": {"resolved_at": resolved, "first_responded_at": "2024-03-04T09:20:00Z"}}
    _jsonl(folder / "freshdesk/tickets.jsonl", [
        ticket(5001, 4, 1, "2024-03-04T11:00:00Z", 31),
        ticket(5002, 5, 7, "2024-03-04T10:30:00Z", None),
        ticket(5003, 2, 3, None, 31),  # still open: not in the resolved marts
    ])
    _jsonl(folder / "freshdesk/groups.jsonl", [{"id": 31, "name": "L1 Support", "created_at": "2023-01-01T00:00:00Z"}])


def _intercom(folder: Path) -> None:
    def conversation(cid: str, state: str, kind: str, rating: int | None) -> dict[str, Any]:
        return {"type": "conversation", "id": cid, "created_at": 1709805600, "updated_at": 1709812800,
                "state": state, "source": {"type": kind, "subject": "", "body": "<p>Where is my refund?</p>"},
                "statistics": {"last_close_at": 1709809200 if state == "closed" else None},
                "conversation_rating": {"rating": rating, "remark": None} if rating else None}
    _jsonl(folder / "intercom/conversations.jsonl", [
        conversation("ic-81", "closed", "conversation", 3),
        conversation("ic-82", "closed", "email", None),
        conversation("ic-83", "snoozed", "conversation", None),
    ])


def _survey(folder: Path) -> None:
    _csv(folder / "survey/responses_2024q1.csv", [
        {"response_id": "sv-1", "submitted_at": "2024-03-05 14:00:00", "csat": 5, "nps": 10,
         "comment": "Support solved my KYC question quickly", "language": "en", "product": "Acme Card"},
        {"response_id": "sv-2", "submitted_at": "2024-03-06 09:10:00", "csat": 2, "nps": 3,
         "comment": "Fees are not explained anywhere", "language": "de", "product": "Acme Wallet"},
    ])


EXPORTS: dict[str, Callable[[Path], None]] = {
    "app store reviews": _app_store, "google play reviews": _google_play, "freshdesk": _freshdesk,
    "intercom": _intercom, "survey": _survey,
}


def _export(root: Path, name: str) -> Path:
    """The folder of one worked mapping: its export files and its block as closedloop-sources.yml."""
    folder = root / name.replace(" ", "_")
    EXPORTS[name](folder)
    (folder / "closedloop-sources.yml").write_text(worked_mappings()[name], encoding="utf-8")
    return folder


def _rows(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_document_has_a_worked_mapping_for_each_kind_of_source():
    assert sorted(worked_mappings()) == sorted(EXPORTS)


EXPECTED = {  # ticket id -> (status, channel, source_name, rating), after the load
    "app store reviews": {"00000011-aaaa": ("solved", "review", "Acme Wallet (iOS)", 1),
                          "00000012-aaaa": ("solved", "review", "Acme Wallet (iOS)", 5),
                          "00000013-aaaa": ("solved", "review", "Acme Wallet (iOS)", 4)},
    "google play reviews": {"https://play.google.com/console/developers/reviews?reviewId=gp1":
                            ("solved", "review", "com.acme.wallet", 2),
                            "https://play.google.com/console/developers/reviews?reviewId=gp2":
                            ("solved", "review", "com.acme.wallet", 5)},
    "freshdesk": {"5001": ("solved", "email", "Freshdesk", None), "5002": ("closed", "chat", "Freshdesk", None),
                  "5003": ("open", "phone", "Freshdesk", None)},
    "intercom": {"ic-81": ("solved", "chat", "Intercom", 3), "ic-82": ("solved", "email", "Intercom", None),
                 "ic-83": ("hold", "chat", "Intercom", None)},
    "survey": {"sv-1": ("solved", "survey", "Acme Card", 5), "sv-2": ("solved", "survey", "Acme Wallet", 2)},
}


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_a_worked_mapping_loads_its_export_with_nothing_quarantined(name, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    report = load_all(warehouse, _export(tmp_path, name))
    assert not report.partial, report.errors
    assert report.rows_quarantined == 0, _rows(warehouse, "SELECT field, reason FROM raw.quarantine")
    ids = "', '".join(EXPECTED[name])
    loaded = _rows(warehouse, "SELECT ticket_id, status, channel, source_name, rating FROM raw.tickets "
                              f"WHERE ticket_id IN ('{ids}')")
    assert {row[0]: row[1:] for row in loaded} == EXPECTED[name]
    assert all(warning.startswith("raw_") and "no file matches" in warning
               for entity in report.entities.values() for warning in entity.warnings), "no reference was emptied"


def test_a_review_gets_its_status_channel_and_times_by_rule_and_each_rule_is_recorded(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    folder = _export(tmp_path, "app store reviews")
    report = load_all(warehouse, folder)
    assert _rows(warehouse, "SELECT count(*) FROM raw.tickets WHERE solved_at = created_at "
                            "AND updated_at = created_at") == [(3,)]
    recorded = _rows(warehouse, "SELECT source_file, source_name, column_name, default_rule, rows "
                                "FROM raw.source_defaults ORDER BY column_name")
    source = str(folder / "appstore/customer_reviews.jsonl")
    assert recorded == [
        (source, "Acme Wallet (iOS)", "channel", "'review': the kind of the source", 3),
        (source, "Acme Wallet (iOS)", "solved_at", "created_at: a review is resolved when posted", 3),
        (source, "Acme Wallet (iOS)", "status", "'solved': a review is complete when posted", 3),
        (source, "Acme Wallet (iOS)", "updated_at", "solved_at, else created_at (the export has no updated_at)", 3),
    ]
    assert "defaulted channel 3, solved_at 3, status 3, updated_at 3" in report.entities["tickets"].summary()
    load_all(warehouse, folder)
    assert _rows(warehouse, "SELECT count(*) FROM raw.source_defaults") == [(4,)], "a reload replaces its counts"


@pytest.mark.slow
def test_dbt_builds_on_every_worked_mapping_and_splits_tickets_by_source(tmp_path):
    """One warehouse loaded from every worked mapping's folder in turn, then one real ``dbt build``."""
    warehouse = tmp_path / "warehouse.duckdb"
    for name in sorted(EXPORTS):
        assert not load_all(warehouse, _export(tmp_path, name)).partial
    _dbt_build(warehouse, tmp_path)
    by_source = _rows(warehouse, "SELECT source_name, channel, count(*), count(csat_score), sum(csat_score) "
                                 "FROM marts.fct_tickets GROUP BY ALL ORDER BY ALL")
    assert by_source == [
        ("Acme Card", "survey", 1, 1, 5), ("Acme Wallet", "survey", 1, 1, 2),
        ("Acme Wallet (iOS)", "review", 3, 3, 10), ("Freshdesk", "chat", 1, 0, None),
        ("Freshdesk", "email", 1, 0, None), ("Intercom", "chat", 1, 1, 3), ("Intercom", "email", 1, 0, None),
        ("com.acme.wallet", "review", 2, 2, 7),
    ]
    scores = _rows(warehouse, "SELECT rating, score FROM staging.stg_helpdesk__satisfaction_ratings "
                              "WHERE rating_id LIKE 'ticket-%' ORDER BY rating")
    assert scores == [(1, "bad"), (2, "bad"), (2, "bad"), (3, "bad"), (4, "good"), (5, "good"), (5, "good"),
                      (5, "good")]
    resolution = _rows(warehouse, "SELECT ticket_id, full_resolution_minutes FROM marts.fct_tickets "
                                  "WHERE ticket_id IN ('5001', 'ic-81') ORDER BY ticket_id")
    assert resolution == [("5001", 120), ("ic-81", 60)]
    defaults = _rows(warehouse, "SELECT source_name, column_name, defaulted_rows FROM marts.dim_source_defaults "
                                "WHERE column_name = 'status' ORDER BY source_name")
    assert defaults == [("Acme Card", "status", 1), ("Acme Wallet", "status", 1), ("Acme Wallet (iOS)", "status", 3),
                        ("com.acme.wallet", "status", 2)]
    sources = _rows(warehouse, "SELECT source_name, channels, tickets, resolved_tickets, covered_from::VARCHAR, "
                               "covered_to::VARCHAR, defaulted_columns FROM marts.dim_sources ORDER BY source_name")
    assert sources == [
        ("Acme Card", "survey", 1, 1, "2024-03-05", "2024-03-05", "channel, solved_at, status, updated_at"),
        ("Acme Wallet", "survey", 1, 1, "2024-03-06", "2024-03-06", "channel, solved_at, status, updated_at"),
        ("Acme Wallet (iOS)", "review", 3, 3, "2024-03-01", "2024-03-04", "channel, solved_at, status, updated_at"),
        ("Freshdesk", "chat, email, phone", 3, 2, "2024-03-04", "2024-03-04", None),
        ("Intercom", "chat, email", 3, 2, "2024-03-07", "2024-03-07", None),
        ("com.acme.wallet", "review", 2, 2, "2024-03-01", "2024-03-02", "channel, solved_at, status"),
    ]


@pytest.mark.parametrize(("mapping", "message"), [
    ({"kind": "reviews", "columns": {"ticket_id": "id", "created_at": "at", "body": "text"}},
     "tickets: kind must be one of helpdesk, review, survey, community, not 'reviews'"),
    ({"kind": "review", "columns": {"ticket_id": "id", "created_at": "at"}},
     "tickets: a review source maps its text to body or subject"),
    ({"columns": {"ticket_id": "id", "created_at": "at", "body": "text"}},
     "tickets: the column mapping lacks required columns ['status', 'channel'] (a review, survey or community "
     "source: set kind to fill them by rule)"),
])
def test_a_mapping_that_cannot_load_is_refused_naming_the_sources_file_and_what_is_missing(tmp_path, mapping, message):
    sources = tmp_path / "closedloop-sources.yml"
    sources.write_text(json.dumps({"tickets": {"connector": "generic", "files": "reviews.csv", **mapping}}))
    with pytest.raises(ConfigError) as raised:
        load_config(sources)
    assert str(raised.value) == f"{sources}: {message}"
