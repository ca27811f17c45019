"""What counts as news: spikes in the data's last weeks, emerging themes, quarantined rows.

The warehouse is a real DuckDB file with the columns of the dbt contracts the detection reads
(``marts.fct_theme_weekly``, ``marts.dim_themes``, ``marts.fct_tickets``, ``raw.quarantine``),
rows written inline; the end-to-end test (test_pipeline_alerts.py) reads dbt-built marts.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from closedloop.alerts.detect import emerging_events, quarantine_event, spike_events
from closedloop.alerts.events import EMERGING_THEME, THEME_SPIKE

LAST_WEEK = date(2025, 12, 29)


def _week(ago: int) -> date:
    return LAST_WEEK - timedelta(weeks=ago)


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """Two themes over 12 weeks: Withdrawal stuck spikes 2 and 9 weeks before the end; Card top-up emerges."""
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("CREATE SCHEMA marts; CREATE SCHEMA raw")
    con.execute("CREATE TABLE marts.fct_theme_weekly (theme_id VARCHAR, week_start_date DATE, tickets BIGINT, "
                "trailing_mean DOUBLE, volume_z_score DOUBLE, is_spike BOOLEAN)")
    rows = []
    for ago in range(11, -1, -1):
        spike = ago in (2, 9)
        rows.append(("T1", _week(ago), 40 if spike else 10, 10.0, 6.0 if spike else 0.1, spike))
    rows += [("T2", _week(ago), 6, None, None, False) for ago in range(2, -1, -1)]
    con.executemany("INSERT INTO marts.fct_theme_weekly VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.execute("CREATE TABLE marts.dim_themes (theme_id VARCHAR, theme_name VARCHAR, status VARCHAR, "
                "first_seen_at TIMESTAMP, ticket_count BIGINT, tickets_last_4_weeks BIGINT, "
                "representative_ticket_ids VARCHAR)")
    con.execute("""INSERT INTO marts.dim_themes VALUES
        ('T1', 'Withdrawal stuck', 'active', '2025-10-13', 180, 70, '["a1", "a2", "a3", "a4"]'),
        ('T2', 'Card top-up declined', 'emerging', '2025-12-15', 18, 18, '["b1"]')""")
    con.execute("CREATE TABLE marts.fct_tickets (ticket_id VARCHAR, subject VARCHAR, body VARCHAR)")
    con.executemany("INSERT INTO marts.fct_tickets VALUES (?, ?, ?)", [
        ("a1", "Withdrawal pending", "Sent 0.5 BTC, write to <EMAIL>"), ("a2", "Still waiting", "x " * 300),
        ("a3", "Where is my USDT", None), ("a4", "Fourth", "not shown"), ("b1", "Card declined", "top-up fails")])
    con.execute("CREATE TABLE raw.quarantine (entity VARCHAR, source_file VARCHAR, source_line BIGINT, "
                "field VARCHAR, reason VARCHAR, record VARCHAR, loaded_at TIMESTAMP)")
    return con


def test_a_spike_in_the_last_weeks_is_news_and_an_older_one_is_history(con):
    assert [e.fingerprint for e in spike_events(con, lookback_weeks=4)] == [f"{THEME_SPIKE}:T1:{_week(2)}"]
    assert len(spike_events(con, lookback_weeks=10)) == 2
    assert spike_events(con, lookback_weeks=2) == []


def test_a_spike_names_the_theme_its_size_growth_and_three_redacted_examples(con):
    (spike,) = spike_events(con, lookback_weeks=4)
    assert spike.title == f"Spike: Withdrawal stuck (week of {_week(2)})"
    words = " ".join(spike.lines)
    assert "40 tickets in the week" in words
    assert "z-score 6.0" in words
    assert "180 tickets in the theme" in words
    # last 4 weeks 10+40+10+10 = 70 against 40 in the 4 before
    assert "growth +75%" in words
    assert spike.facts["growth"] == pytest.approx(0.75)
    assert len(spike.examples) == 3
    assert spike.examples[0] == "Withdrawal pending: Sent 0.5 BTC, write to <EMAIL>"
    assert len(spike.examples[1]) == 200
    assert spike.examples[1].endswith("…")
    assert spike.examples[2] == "Where is my USDT"


def test_an_emerging_theme_is_news_with_its_size_and_examples(con):
    (event,) = emerging_events(con)
    assert event.kind == EMERGING_THEME
    assert event.title == "New emerging theme: Card top-up declined"
    assert "18 tickets so far" in event.lines[0]
    assert "first seen 2025-12-15" in event.lines[0]
    assert event.examples == ("Card declined: top-up fails",)


def test_quarantined_rows_below_the_minimum_are_quiet_and_from_it_an_alert(con):
    con.executemany("INSERT INTO raw.quarantine VALUES (?, ?, ?, ?, ?, '{}', now())", [
        ("tickets", "zendesk/tickets.jsonl", 4, "created_at", "not a timestamp (x)"),
        ("tickets", "zendesk/tickets.jsonl", 4, "status", "unknown value (y)"),
        ("tickets", "zendesk/tickets.jsonl", 9, "ticket_id", "missing")])
    assert quarantine_event(con, minimum=3) is None
    event = quarantine_event(con, minimum=2)
    assert event is not None
    assert event.title == "2 rows quarantined"
    assert "tickets: 2 rows from zendesk/tickets.jsonl" in event.lines
    assert "1 x tickets.created_at: not a timestamp" in event.lines
    con.execute("INSERT INTO raw.quarantine VALUES ('qa_audits', 'qa/a.csv', 2, 'score', 'bad', '{}', now())")
    changed = quarantine_event(con, minimum=2)
    assert changed is not None
    assert changed.fingerprint != event.fingerprint


def test_a_warehouse_without_marts_or_quarantine_has_no_news(tmp_path):
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    assert spike_events(con, 4) == []
    assert emerging_events(con) == []
    assert quarantine_event(con, 1) is None
