"""``closedloop review``: the command line over a small real warehouse (in-process ``main``)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from closedloop.cli import main


@pytest.fixture
def warehouse(review_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small warehouse as the one the command opens."""
    monkeypatch.setenv("CLOSEDLOOP_WAREHOUSE", str(review_warehouse))
    return review_warehouse


def test_links_are_listed_by_effect_and_a_rejection_is_recorded_with_its_reviewer(warehouse: Path, capsys):
    assert main(["review", "links", "--quarter", "2025Q4"]) == 0
    listing = capsys.readouterr().out
    assert "2025Q4: support-driven share 50.0% (2 of 4 shipped improvements)" in listing
    assert listing.index("T0002:EX-C") < listing.index("T0001:EX-A") < listing.index("T0002:EX-B")
    assert main(["review", "links", "--reject", "T0001:EX-A", "--by", "anna"]) == 0
    with duckdb.connect(str(warehouse)) as con:
        assert con.execute("select decision, reviewer from review.link_decisions").fetchall() == [("rejected", "anna")]


def test_an_unknown_link_is_refused_with_a_message_and_no_decision(warehouse: Path, capsys):
    assert main(["review", "links", "--accept", "T0009:EX-A", "--by", "anna"]) == 2
    assert "T0009:EX-A: no such link" in capsys.readouterr().err
    with duckdb.connect(str(warehouse)) as con:
        assert con.execute("select count(*) from review.link_decisions").fetchone() == (0,)


def test_theme_decisions_from_the_command_line(warehouse: Path, capsys):
    assert main(["review", "themes", "--rename", "1", "Refunds", "--by", "anna"]) == 0
    assert main(["review", "themes", "--merge", "T3", "T0001", "--by", "anna"]) == 0
    assert main(["review", "themes", "--split", "T0002", "--name", "2FA", "--keywords", "sms code, 2fa"]) == 0
    assert main(["review", "themes", "--split", "T0002", "--name", "x", "--tickets", "T0001-0"]) == 2
    assert "not in this theme (ticket_ids): T0001-0" in capsys.readouterr().err
    with duckdb.connect(str(warehouse)) as con:
        rows = con.execute("select action, theme_id, name, into_theme_id, pattern from review.theme_decisions "
                           "order by decision_id").fetchall()
    assert rows == [("rename", "T0001", "Refunds", None, None), ("merge", "T0003", None, "T0001", None),
                    ("split_off", "T0002", "2FA", None, r"\b(?:sms\ code|2fa)\b")]
