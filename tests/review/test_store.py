"""Decisions are kept in the warehouse with an audit trail, and theme decisions become theme edits."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from closedloop.review.store import (
    REVIEW_EDIT_BASE,
    ReviewError,
    ThemeDecision,
    decide_link,
    decide_theme,
    sync_theme_edits,
)
from closedloop.review.users import add_user, authenticate, env_users
from topics.edits import load_edits


def test_a_second_decision_on_a_link_replaces_the_first_and_both_are_audited(review_warehouse: Path):
    with duckdb.connect(str(review_warehouse)) as con:
        decide_link(con, "EX-A", "T0001", "confirmed", "anna", before_state={"is_accepted": True})
        decide_link(con, "EX-A", "T0001", "rejected", "bob", note="roadmap work")
        kept = con.execute("select decision, reviewer, note from review.link_decisions").fetchall()
        audit = con.execute("select who, action, subject, before_json, after_json, recorded_at from review.audit "
                            "order by audit_id").fetchall()
    assert kept == [("rejected", "bob", "roadmap work")]
    assert [(a[0], a[1], a[2]) for a in audit] == [("anna", "confirmed", "T0001:EX-A"),
                                                   ("bob", "rejected", "T0001:EX-A")]
    assert json.loads(audit[1][3]) == {"decision": "confirmed"}
    assert json.loads(audit[0][3]) == {"decision": None, "is_accepted": True}
    assert all(a[5] is not None for a in audit)


def test_theme_decisions_become_edits_keyed_by_stable_ids_and_keep_their_time(review_warehouse: Path):
    with duckdb.connect(str(review_warehouse)) as con:
        decide_theme(con, ThemeDecision("rename", "T0001", name="Refunds"), "anna")
        decide_theme(con, ThemeDecision("merge", "T0003", into_theme_id="T0001"), "anna")
        decide_theme(con, ThemeDecision("split_off", "T0002", name="2FA", ticket_ids=("T0002-0", "T0002-1")), "anna")
        con.execute("insert into topics.theme_edits (edit_id, action, theme_id) values (1, 'ignore', 2)")
        assert sync_theme_edits(con) == 3
        first = con.execute("select edit_id, created_at from topics.theme_edits order by edit_id").fetchall()
        assert sync_theme_edits(con) == 3
        again = con.execute("select edit_id, created_at from topics.theme_edits order by edit_id").fetchall()
        edits = load_edits(con)
    assert first == again, "a re-run rewrites the same edits with the same times (no refit on every run)"
    assert [(e.edit_id, e.action, e.theme_id) for e in edits] == [
        (1, "ignore", 2), (REVIEW_EDIT_BASE + 1, "rename", 1), (REVIEW_EDIT_BASE + 2, "merge", 3),
        (REVIEW_EDIT_BASE + 3, "split_off", 2)]
    assert edits[2].into_theme_id == 1
    assert edits[3].ticket_ids == ("T0002-0", "T0002-1")


@pytest.mark.parametrize(("decision", "message"), [
    (ThemeDecision("rename", "T0009", name="x"), "T0009: no such theme"),
    (ThemeDecision("rename", "T0001", name=" "), "needs a name"),
    (ThemeDecision("merge", "T0001", into_theme_id="T0001"), "not another theme"),
    (ThemeDecision("split_off", "T0001", name="x"), "needs tickets or keywords"),
    (ThemeDecision("split_off", "T0001", name="x", ticket_ids=("T0002-0",)), "not in this theme.*T0002-0"),
])
def test_a_theme_decision_that_cannot_apply_is_refused_with_the_field(review_warehouse: Path,
                                                                     decision: ThemeDecision, message: str):
    with duckdb.connect(str(review_warehouse)) as con:
        with pytest.raises(ReviewError, match=message):
            decide_theme(con, decision, "anna")
        assert con.execute("select count(*) from review.audit").fetchone() == (0,)


def test_passwords_are_kept_as_salted_hashes(review_warehouse: Path):
    with duckdb.connect(str(review_warehouse)) as con:
        add_user(con, "anna", "reviewer", "correct horse")
        add_user(con, "bob", "viewer", "correct horse")
        hashes = [r[0] for r in con.execute("select password_hash from review.users order by name").fetchall()]
        assert authenticate(con, "anna", "correct horse", {}) == "reviewer"
        assert authenticate(con, "anna", "wrong horse", {}) is None
        assert authenticate(con, "nobody", "correct horse", {}) is None
    assert "correct horse" not in "".join(hashes)
    assert hashes[0] != hashes[1], "the same password gets a different salt"


def test_users_from_the_environment_are_checked_and_never_stored():
    users = env_users("anna:reviewer:longenough1; viewer1:viewer:longenough2")
    assert {name: role for name, (role, _) in users.items()} == {"anna": "reviewer", "viewer1": "viewer"}
    with pytest.raises(ReviewError, match="entry 1: role of 'anna' must be reviewer or viewer"):
        env_users("anna:admin:longenough1")
