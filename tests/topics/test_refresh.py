"""Themes in the warehouse: fit once, embed nothing twice, keep ids, assign new tickets daily.

Uses the real packaged MiniLM model on a few dozen short tickets.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from closedloop.core.warehouse import connect, resolved_ticket_texts
from closedloop.ingest import open_warehouse
from topics.refresh import ThemeRunReport, update_themes

GROUPS = {
    "withdrawal": ["My withdrawal is stuck for {n} hours", "Withdrawal pending since {n} days, where is my money",
                   "USDT withdrawal not arrived after {n} hours", "cannot withdraw, stuck in processing {n}h"],
    "kyc": ["KYC verification rejected again, passport photo {n}", "identity verification failed, selfie {n}",
            "my KYC is pending for {n} days", "verification documents refused, id card {n}"],
    "app": ["the app crashes when I open the wallet, version {n}", "app keeps crashing on launch android {n}",
            "iOS app freezes and closes, build {n}", "application crash after update {n}"],
}


def _insert(warehouse: Path, start: int, per_group: int) -> list[str]:
    con = open_warehouse(warehouse)
    ids = []
    try:
        for g, (name, templates) in enumerate(GROUPS.items()):
            for k in range(per_group):
                ticket_id = str(start + g * 1000 + k)
                text = templates[k % len(templates)].format(n=k + start)
                con.execute("INSERT INTO raw.tickets (ticket_id, created_at, updated_at, subject, body, "
                            "subject_redacted, body_redacted, status, channel) VALUES "
                            "(?, TIMESTAMP '2024-03-01', TIMESTAMP '2024-03-02', ?, ?, ?, ?, 'solved', 'chat')",
                            [ticket_id, name, text, name, text])
                ids.append(ticket_id)
    finally:
        con.close()
    return ids


def _update(warehouse: Path, **options: object) -> ThemeRunReport:
    """The pipeline's theme step on a warehouse file."""
    with connect(warehouse) as con:
        return update_themes(con, resolved_ticket_texts(con), **options)  # type: ignore[arg-type]


def _themes(warehouse: Path) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(con.execute("SELECT ticket_id, theme_id FROM topics.ticket_themes").fetchall())


@pytest.fixture
def fitted(tmp_path: Path) -> tuple[Path, object]:
    warehouse = tmp_path / "wh.duckdb"
    _insert(warehouse, 10_000, 12)
    return warehouse, _update(warehouse)


def test_first_run_fits_themes_that_separate_the_subjects(fitted):
    warehouse, report = fitted
    assert report.mode == "fit"
    themes = _themes(warehouse)
    by_group = [{themes[str(10_000 + g * 1000 + k)] for k in range(12)} for g in range(3)]
    assert all(len(group) >= 1 for group in by_group)
    assert not by_group[0] & by_group[1]
    assert not by_group[1] & by_group[2]
    assert not by_group[0] & by_group[2]


def test_second_run_on_unchanged_data_embeds_nothing_and_keeps_every_theme_id(fitted):
    warehouse, _ = fitted
    before = _themes(warehouse)
    again = _update(warehouse)
    assert again.embedded == 0
    assert again.mode == "noop"
    assert _themes(warehouse) == before


def test_new_tickets_are_assigned_to_existing_themes_embedding_only_them(fitted):
    warehouse, _ = fitted
    before = _themes(warehouse)
    new_ids = _insert(warehouse, 20_000, 2)
    report = _update(warehouse)
    assert report.mode == "assign"
    assert report.new_tickets == len(new_ids)
    assert report.embedded <= len(new_ids)
    after = _themes(warehouse)
    assert {k: after[k] for k in before} == before
    withdrawal_theme = before["10000"]
    assert after["20000"] == withdrawal_theme


def test_a_forced_refit_keeps_theme_ids_of_unchanged_subjects(fitted):
    warehouse, _ = fitted
    before = _themes(warehouse)
    report = _update(warehouse, force_refit=True)
    assert report.mode == "fit"
    assert report.embedded == 0
    assert _themes(warehouse) == before


def test_each_ticket_gets_a_detected_language(fitted):
    warehouse, _ = fitted
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT DISTINCT language FROM topics.ticket_languages").fetchall() == [("en",)]


def _agreement_rows(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT model_version, assigned_tickets, agreeing_tickets, agreement_share "
                           "FROM topics.assignment_agreement").fetchall()


def test_a_refit_after_daily_assignment_records_how_many_daily_themes_it_confirmed(fitted):
    warehouse, _ = fitted
    new_ids = _insert(warehouse, 20_000, 2)
    assert _update(warehouse).mode == "assign"
    # One daily assignment the refit will not confirm: a withdrawal ticket filed under the KYC theme.
    kyc_theme = _themes(warehouse)["11000"]
    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE topics.ticket_themes SET theme_id = ? WHERE ticket_id = '20000'", [kyc_theme])
    report = _update(warehouse, force_refit=True)
    assert report.mode == "fit"
    after = _themes(warehouse)
    assert after["20000"] != kyc_theme
    assert _agreement_rows(warehouse) == [(report.model_version, len(new_ids), len(new_ids) - 1,
                                           pytest.approx((len(new_ids) - 1) / len(new_ids)))]
    assert report.assignment_compared == len(new_ids)
    assert report.assignment_agreement == pytest.approx(5 / 6)
    assert "agreed with 83.3% of 6 daily assignments" in report.summary()


def test_a_refit_with_no_daily_assignments_since_the_last_fit_records_no_agreement(fitted):
    warehouse, first = fitted
    report = _update(warehouse, force_refit=True)
    assert first.assignment_agreement is None
    assert report.assignment_agreement is None
    assert _agreement_rows(warehouse) == []


def test_a_change_of_embedding_vectors_refits_instead_of_mixing_them(fitted):
    """Centroids of one pooling (or model, or backend) are never compared with another's vectors."""
    from topics.config import EmbedConfig, TopicConfig

    warehouse, _ = fitted
    own_pooling = TopicConfig(embed=EmbedConfig(pooling="model"))
    changed = _update(warehouse, config=own_pooling)
    assert changed.mode == "fit"
    assert changed.embedded == 36  # every ticket again, with the configured vectors
    with duckdb.connect(str(warehouse), read_only=True) as con:
        recorded = con.execute("SELECT DISTINCT embed_model_id FROM topics.themes "
                               "WHERE NOT coalesce(is_retired, false)").fetchall()
    assert recorded == [("all-MiniLM-L6-v2|torch|max128",)]
    assert _update(warehouse, config=own_pooling).mode == "noop"

    with duckdb.connect(str(warehouse)) as con:  # a warehouse from before the column was recorded
        con.execute("UPDATE topics.themes SET embed_model_id = NULL")
    assert _update(warehouse, config=own_pooling).mode == "fit"


def _theme_of_group(warehouse: Path, group: int) -> set[str]:
    themes = _themes(warehouse)
    return {themes[str(10_000 + group * 1000 + k)] for k in range(12)}


def test_a_merge_applies_at_the_next_run_and_survives_later_refits(fitted):
    from topics.edits import ThemeEdit, save_edit

    warehouse, _ = fitted
    single = [g for g in range(3) if len(_theme_of_group(warehouse, g)) == 1]  # a subject may fit two themes
    (source,), (target,) = _theme_of_group(warehouse, single[0]), _theme_of_group(warehouse, single[1])
    with connect(warehouse) as con:
        save_edit(con, ThemeEdit(1, "merge", int(source[1:]), into_theme_id=int(target[1:])))
    assert _update(warehouse).mode == "fit", "an edit made since the last fit refits at the next run"
    assert _theme_of_group(warehouse, single[0]) == {target}
    assert _update(warehouse, force_refit=True).mode == "fit"
    assert _theme_of_group(warehouse, single[0]) == {target}, "the next refit finds the merged theme and merges it"
    assert _update(warehouse).mode == "noop", "an edit already applied does not refit every run"


def test_listed_tickets_split_off_into_a_named_theme(fitted):
    from topics.edits import ThemeEdit, save_edit

    warehouse, _ = fitted
    (app,) = _theme_of_group(warehouse, 2)
    moved = ("12000", "12004", "12008")
    with connect(warehouse) as con:
        save_edit(con, ThemeEdit(1, "split_off", int(app[1:]), name="Wallet crashes", ticket_ids=moved))
    _update(warehouse)
    themes = _themes(warehouse)
    (split,) = {themes[t] for t in moved}
    assert split != app
    assert {t for t, theme in themes.items() if theme == split} == set(moved)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT human_name FROM topics.themes WHERE theme_id = ?", [split]).fetchone() == (
            "Wallet crashes",)
