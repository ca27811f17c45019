"""Candidate links are ordered by how much their decision moves the quarter's share, weighted by uncertainty."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from closedloop.review.effects import candidate_links, parse_link_id
from closedloop.review.store import ReviewError


def test_links_are_ordered_by_share_moved_times_uncertainty(review_warehouse: Path):
    with duckdb.connect(str(review_warehouse)) as con:
        share, links = candidate_links(con, "2025q4")
    assert share.quarter_key == "2025Q4"
    assert [c.link_id for c in links] == ["T0002:EX-C", "T0001:EX-A", "T0003:EX-D", "T0001:EX-B", "T0002:EX-B"]
    effects = {c.link_id: (c.delta, round(c.effect, 4)) for c in links}
    assert effects["T0002:EX-C"] == (0.25, 0.225)   # accepting it adds an item; score 0.45 is uncertain
    assert effects["T0001:EX-A"] == (-0.25, 0.05)   # rejecting it removes its item; 0.9 is fairly sure
    assert effects["T0001:EX-B"] == (0.0, 0.0)      # the item keeps its other accepted link


def test_a_decided_link_has_no_uncertainty_left(review_warehouse: Path):
    with duckdb.connect(str(review_warehouse)) as con:
        con.execute("update marts.fct_theme_backlog_links set is_rejected = true, is_accepted = false, score = 0 "
                    "where item_id = 'EX-C'")
        _, links = candidate_links(con)
    rejected = next(c for c in links if c.item_id == "EX-C")
    assert (rejected.decided, rejected.effect) == ("rejected", 0.0)


def test_an_unknown_quarter_names_the_quarters_there_are(review_warehouse: Path):
    with duckdb.connect(str(review_warehouse)) as con, pytest.raises(ReviewError, match="2025Q4, 2025Q3"):
        candidate_links(con, "2024Q1")


def test_a_link_id_needs_a_theme_and_an_item():
    assert parse_link_id("T0007:PAY-12") == ("T0007", "PAY-12")
    with pytest.raises(ReviewError, match="THEME:ITEM"):
        parse_link_id("PAY-12")
