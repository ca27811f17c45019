"""Theme-to-backlog links, support-driven share, impact, lead time and close-the-loop on demo data.

Runs on the suite's shared demo pipeline (1,500 tickets, seed 3, real themes and a real dbt
build) and compares the link marts with what the generator planted in ``truth/``. The link
confidence was fitted on five other demos (seeds 5, 7, 11, 13 and 21, 20,000 tickets each), so
this is an out-of-sample check.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from closedloop.demo.link_truth import evaluate_links, item_truth

# The targets: link precision at least 0.9, recall at least 0.8, and every quarter's
# support-driven share within 0.05 of the planted share.
PRECISION_FLOOR = 0.9
RECALL_FLOOR = 0.8
DRIVING_PRECISION_FLOOR = 0.9
SHARE_ERROR_CEILING = 0.05


def _rows(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def evaluation(demo_pipeline: dict[str, Any]):
    return evaluate_links(demo_pipeline["home"] / "warehouse.duckdb", demo_pipeline["data"])


def test_support_driven_items_are_found_with_their_planted_driving_theme(evaluation):
    assert evaluation.accepted_links > 0
    assert evaluation.precision >= PRECISION_FLOOR, evaluation
    assert evaluation.driving_precision >= DRIVING_PRECISION_FLOOR, evaluation
    assert evaluation.recall >= RECALL_FLOOR, evaluation


def test_roadmap_work_is_not_counted_as_support_driven(evaluation):
    assert evaluation.false_items <= 1, evaluation


def test_every_quarter_with_shipped_improvements_has_a_share_near_the_planted_one(evaluation, demo_pipeline):
    with (demo_pipeline["data"] / "truth" / "support_driven_share.csv").open() as handle:
        planted = {row["quarter"]: int(row["shipped_improvements"]) for row in csv.DictReader(handle)}
    measured = {q.quarter: q for q in evaluation.quarters}
    assert {q for q, n in planted.items() if n} == set(measured)
    for quarter in measured.values():
        assert quarter.shipped == planted[quarter.quarter]
        assert quarter.lower <= quarter.measured <= quarter.upper
        assert quarter.error <= SHARE_ERROR_CEILING, quarter


def test_planted_drops_after_fixes_are_detected_and_none_is_claimed_for_unrelated_items(demo_pipeline):
    items = item_truth(demo_pipeline["data"])
    impact = _rows(demo_pipeline["home"],
                   "SELECT item_id, is_linked_before_shipping, is_window_complete, is_significant_drop, change_pct "
                   "FROM marts.fct_improvement_impact")
    shipped = {i for i, row in items.items() if row["is_improvement"] == "true"}
    assert {r[0] for r in impact} == shipped
    claimed = {r[0] for r in impact if r[3]}
    assert all(items[i]["expected_ticket_drop"] == "true" for i in claimed), "a drop claimed for roadmap work"
    testable = [r for r in impact if r[1] and r[2] and items[r[0]]["expected_ticket_drop"] == "true"]
    assert testable
    falling = [r for r in testable if r[4] is not None and r[4] < 0]
    detected = [r for r in testable if r[3]]
    # 1,500 tickets leave a few tickets per theme and week, so many real drops are not
    # significant here (14 of 41 when written; 39 of 48 on the 20,000-ticket demo).
    assert len(falling) >= 0.8 * len(testable), f"{len(falling)} of {len(testable)} planted drops visible"
    assert len(detected) >= 0.25 * len(testable), f"{len(detected)} of {len(testable)} planted drops detected"
    assert all(r[4] < 0 for r in detected)


def test_lead_time_follows_the_backlog_dates_of_each_support_driven_improvement(demo_pipeline):
    items = item_truth(demo_pipeline["data"])
    rows = _rows(demo_pipeline["home"],
                 "SELECT item_id, theme_first_seen_at, item_created_at, item_shipped_at, days_created_to_shipped, "
                 "days_insight_to_created, insight_at FROM marts.fct_insight_lead_time")
    assert rows
    for item_id, first_seen, created, shipped, created_to_shipped, insight_to_created, insight in rows:
        planted = items[item_id]
        assert created == datetime.fromisoformat(planted["created_at"].replace("Z", ""))
        assert shipped == datetime.fromisoformat(planted["shipped_at"].replace("Z", ""))
        assert created_to_shipped == (shipped.date() - created.date()).days
        assert first_seen <= insight <= created
        assert 0 <= insight_to_created <= 182


def test_close_the_loop_lists_requesters_of_the_fixed_themes_tickets(demo_pipeline):
    home = demo_pipeline["home"]
    rows = _rows(home, "SELECT c.item_id, c.requester_id, c.tickets, c.last_ticket_at, c.item_shipped_at "
                       "FROM marts.fct_close_the_loop c")
    assert rows
    driven = {r[0] for r in _rows(home, "SELECT item_id FROM marts.fct_insight_lead_time")}
    assert {r[0] for r in rows} <= driven
    known = {r[0] for r in _rows(home, "SELECT DISTINCT requester_id FROM marts.fct_tickets")}
    assert all(r[1] in known and r[2] >= 1 and r[3] < r[4] for r in rows)
