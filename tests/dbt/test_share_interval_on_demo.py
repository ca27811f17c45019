"""The support-driven share's interval and the review queue on demo data, clean and with noisier references.

Runs on the suite's shared demo pipeline (1,500 tickets, seed 3; real themes, real dbt build), and
on one more pipeline of the same demo with 20% of its support-driven items' explicit references
relabelled to another theme (``closedloop demo-data --relabel-references 0.2``). The planted share is
in ``truth/support_driven_share.csv``. ``bench/share_interval.py`` measures more demos.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from closedloop.review.effects import candidate_links

DEMO_LINKS = {"CLOSEDLOOP_ZENDESK_SUBDOMAIN": "closedloop-demo",
              "CLOSEDLOOP_TRACKER_ITEM_URL": "https://closedloop-demo.atlassian.net/browse/{key}"}
"""The shared demo run's drill-through settings (tests/conftest.py), so both runs build the same marts."""
COVERED_AT_LEAST = 7
"""Quarters of 8 whose interval must contain the planted share."""


def _planted(demo: Path) -> dict[str, float]:
    with (demo / "truth" / "support_driven_share.csv").open(newline="", encoding="utf-8") as handle:
        return {r["quarter"]: int(r["support_driven_improvements"]) / int(r["shipped_improvements"])
                for r in csv.DictReader(handle) if int(r["shipped_improvements"] or 0)}


def _intervals(warehouse: Path) -> list[dict[str, Any]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute("select * from marts.fct_support_driven_share_interval order by quarter_key")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _covered(rows: list[dict[str, Any]], planted: dict[str, float]) -> list[str]:
    return [r["quarter_key"] for r in rows
            if r["share_low"] - 1e-9 <= planted[r["quarter_key"]] <= r["share_high"] + 1e-9]


@pytest.fixture(scope="module")
def noisy_pipeline(run_closedloop, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The suite's demo with 20% of explicit references relabelled, through a whole ``closedloop run``."""
    root = tmp_path_factory.mktemp("noisy_pipeline")
    home, data = root / "state", root / "demo"
    made = run_closedloop("demo-data", "--out", str(data), "--tickets", "1500", "--seed", "3",
                          "--relabel-references", "0.2", home=home)
    assert made.returncode == 0, made.stderr
    run = run_closedloop("run", "--data", str(data), home=home, env=DEMO_LINKS)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return {"home": home, "data": data}


def test_every_quarter_has_an_interval_around_its_share_that_contains_the_planted_share(demo_pipeline):
    rows = _intervals(demo_pipeline["home"] / "warehouse.duckdb")
    planted = _planted(demo_pipeline["data"])
    assert {r["quarter_key"] for r in rows} == set(planted)
    for row in rows:
        assert 0 <= row["share_low"] <= row["share"] <= row["share_high"] <= 1, row
        assert row["interval_level"] == 0.9
        assert row["links"] > 0, row
        assert row["links_reviewed"] == 0, row
    assert len(_covered(rows, planted)) >= COVERED_AT_LEAST, rows
    assert any(r["share_high"] - r["share_low"] > 0 for r in rows), "no link uncertainty at all"


def test_each_quarters_count_distribution_sums_to_one_and_gives_the_expected_share(demo_pipeline):
    with duckdb.connect(str(demo_pipeline["home"] / "warehouse.duckdb"), read_only=True) as con:
        sums = con.execute("""
            select d.quarter_key, sum(d.probability),
                   sum(d.probability * d.support_driven_items) / max(i.shipped_items), max(i.expected_share)
            from intermediate.int_support_driven_counts_distributed as d
            inner join marts.fct_support_driven_share_interval as i on d.quarter_key = i.quarter_key
            group by d.quarter_key""").fetchall()
    assert sums
    for quarter, total, mean, expected in sums:
        assert total == pytest.approx(1.0, abs=1e-9), quarter
        assert mean == pytest.approx(expected, abs=1e-9), quarter


def test_the_queue_mart_orders_links_as_closedloop_review_links_lists_them(demo_pipeline):
    with duckdb.connect(str(demo_pipeline["home"] / "warehouse.duckdb"), read_only=True) as con:
        share, listed = candidate_links(con)
        queued = con.execute("select link_id, effect from marts.fct_link_review_queue where quarter_key = ? "
                             "order by queue_rank", [share.quarter_key]).fetchall()
    assert [link_id for link_id, _ in queued] == [c.link_id for c in listed]
    assert [e for _, e in queued] == pytest.approx([c.effect for c in listed])
    assert queued[0][1] > 0


def test_a_confirmed_link_is_counted_as_reviewed_and_leaves_the_head_of_the_queue(demo_pipeline, dbt_build, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(demo_pipeline["home"] / "warehouse.duckdb", warehouse)
    with duckdb.connect(str(warehouse)) as con:
        quarter, theme_id, item_id = con.execute(
            "select quarter_key, theme_id, item_id from marts.fct_link_review_queue where queue_rank = 1 and "
            "quarter_key in (select quarter_key from marts.fct_link_review_queue where effect > 0 "
            "group by quarter_key having count(*) >= 2) order by effect desc, quarter_key limit 1").fetchone()
        before = con.execute("select share_high - share_low from marts.fct_support_driven_share_interval "
                             "where quarter_key = ?", [quarter]).fetchone()[0]
        con.execute("insert into review.link_decisions values (?, ?, 'confirmed', 'ana', now(), null)",
                    [item_id, theme_id])
    dbt_build(warehouse, tmp_path, "--select", "stg_review__link_decisions+")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        width, reviewed = con.execute("select share_high - share_low, links_reviewed "
                                      "from marts.fct_support_driven_share_interval where quarter_key = ?",
                                      [quarter]).fetchone()
        head = con.execute("select link_id from marts.fct_link_review_queue where quarter_key = ? and queue_rank = 1",
                           [quarter]).fetchone()[0]
    assert reviewed == 1
    assert width <= before + 1e-9
    assert head != f"{theme_id}:{item_id}"


def test_with_a_fifth_of_references_relabelled_the_interval_still_contains_the_planted_share(noisy_pipeline):
    rows = _intervals(noisy_pipeline["home"] / "warehouse.duckdb")
    planted = _planted(noisy_pipeline["data"])
    assert {r["quarter_key"] for r in rows} == set(planted)
    covered = _covered(rows, planted)
    assert len(covered) >= COVERED_AT_LEAST, [(r["quarter_key"], r["share_low"], r["share_high"],
                                               planted[r["quarter_key"]]) for r in rows]
