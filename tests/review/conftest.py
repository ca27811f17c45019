"""A small real warehouse with the marts and topics tables the review reads, built inline."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from closedloop.review.store import ensure_review_schema
from topics.store import ensure_schema

LINKS = [
    # theme, item, type, shipped, score, accepted: the quarter 2025Q4 has four shipped improvements
    ("T0001", "EX-A", "story", "2025-11-03", 0.90, True),   # the item's only accepted link
    ("T0001", "EX-B", "bug", "2025-11-10", 0.80, True),     # one of two accepted links
    ("T0002", "EX-B", "bug", "2025-11-10", 0.70, True),
    ("T0002", "EX-C", "story", "2025-12-01", 0.45, False),  # the item has no accepted link
    ("T0003", "EX-D", "story", "2025-12-02", 0.10, False),
    ("T0003", "EX-T", "task", "2025-12-02", 0.50, False),   # a task is no improvement
    ("T0001", "EX-Q3", "story", "2025-08-02", 0.50, False),  # shipped in another quarter
]


@pytest.fixture
def review_warehouse(tmp_path: Path) -> Path:
    """Themes T0001-T0003 with tickets, and link marts for 2025Q3 and 2025Q4."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        ensure_schema(con)
        ensure_review_schema(con)
        con.execute("create schema marts")
        con.execute("create table marts.dim_calendar as select d::date as date_day, "
                    "strftime(d, '%Y') || 'Q' || quarter(d) as quarter_key "
                    "from range(date '2025-07-01', date '2026-01-01', interval 1 day) as t(d)")
        con.execute("create table marts.fct_support_driven_share (quarter_key varchar, quarter_start_date date, "
                    "shipped_items bigint, support_driven_items bigint, support_driven_share double)")
        con.execute("insert into marts.fct_support_driven_share values ('2025Q4', '2025-10-01', 4, 2, 0.5), "
                    "('2025Q3', '2025-07-01', 1, 0, 0.0)")
        con.execute("create table marts.fct_theme_backlog_links (theme_id varchar, theme_name varchar, "
                    "item_id varchar, item_summary varchar, item_type varchar, item_shipped_at timestamp, "
                    "link_type varchar, score double, evidence varchar, is_confirmed boolean, is_rejected boolean, "
                    "is_accepted boolean)")
        for theme, item, kind, shipped, score, accepted in LINKS:
            con.execute("insert into marts.fct_theme_backlog_links values (?, ?, ?, ?, ?, ?, 'semantic', ?, '', "
                        "false, false, ?)", [theme, f"theme {theme}", item, f"summary {item}", kind, shipped, score,
                                             accepted])
        for number, (name, tickets) in enumerate((("refunds", 5), ("login", 3), ("fees", 2)), start=1):
            key = f"T{number:04d}"
            con.execute("insert into topics.themes (theme_id, label, keywords, size, is_ignored, model_version, "
                        "created_at, updated_at, is_retired) values (?, ?, '[]', ?, false, 'v1', now(), now(), false)",
                        [key, name, tickets])
            con.executemany("insert into topics.ticket_themes values (?, ?, 1.0, 'v1', 'fit', now())",
                            [[f"{key}-{i}", key] for i in range(tickets)])
    return path
