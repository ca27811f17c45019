"""``closedloop link``: any feedback CSV against any tracker CSV, top-k rows per feedback."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import pytest

from closedloop.cli.link import add_link_parser, cmd_link, link
from topics.errors import InputError

FEEDBACK = [
    ("r1", "The app crashes when I open my wallet"),
    ("r2", "My deposit of USDT never arrived"),
    ("r3", "Please add a dark mode"),
]
BACKLOG = [
    ("EX-1", "NPE in WalletFragment.onResume when the wallet token list is empty\nTop crash in Crashlytics."),
    ("EX-2", "Deposit indexer lags, USDT deposit credits wait\nAdd a catch-up worker."),
    ("EX-3", "Dark mode for the web trading terminal\nDesign is ready."),
    ("EX-4", "Rotate TLS certificates for the API gateway"),
]


def _write_csv(path: Path, header: tuple[str, str], rows: list[tuple[str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    return (_write_csv(tmp_path / "feedback.csv", ("feedback_id", "text"), FEEDBACK),
            _write_csv(tmp_path / "backlog.csv", ("item_id", "text"), BACKLOG))


def test_the_output_has_exactly_the_four_columns_and_top_k_rows_per_feedback(inputs, tmp_path, fake_embedder):
    feedback, backlog = inputs
    report = link(feedback, backlog, tmp_path / "links.csv", top_k=2, embedder=fake_embedder)
    rows = _read(tmp_path / "links.csv")
    assert list(rows[0]) == ["feedback_id", "item_id", "rank", "score"]
    assert report.rows_written == len(rows) == 2 * len(FEEDBACK)
    for feedback_id, _ in FEEDBACK:
        assert [r["rank"] for r in rows if r["feedback_id"] == feedback_id] == ["1", "2"]


def test_rank_one_is_the_best_scoring_item(inputs, tmp_path, fake_embedder):
    feedback, backlog = inputs
    link(feedback, backlog, tmp_path / "links.csv", top_k=4, embedder=fake_embedder)
    rows = _read(tmp_path / "links.csv")
    for feedback_id, _ in FEEDBACK:
        scores = [float(r["score"]) for r in rows if r["feedback_id"] == feedback_id]
        assert scores == sorted(scores, reverse=True)
    best = {r["feedback_id"]: r["item_id"] for r in rows if r["rank"] == "1"}
    assert best == {"r1": "EX-1", "r2": "EX-2", "r3": "EX-3"}


def test_other_column_names_are_chosen_with_flags(tmp_path, fake_embedder):
    feedback = _write_csv(tmp_path / "reviews.csv", ("review", "body"), FEEDBACK)
    backlog = _write_csv(tmp_path / "jira.csv", ("key", "summary"), BACKLOG)
    report = link(feedback, backlog, tmp_path / "out.csv", feedback_id_col="review", feedback_text_col="body",
                  backlog_id_col="key", backlog_text_col="summary", top_k=1, embedder=fake_embedder)
    assert report.rows_written == len(FEEDBACK)


def test_a_missing_column_names_the_file_the_column_and_the_flag(inputs, tmp_path, fake_embedder):
    feedback, backlog = inputs
    with pytest.raises(InputError) as error:
        link(feedback, backlog, tmp_path / "out.csv", backlog_text_col="description", embedder=fake_embedder)
    message = str(error.value)
    assert str(backlog) in message
    assert "'description'" in message
    assert "--backlog-text-col" in message
    assert "item_id, text" in message


def test_a_missing_file_is_a_user_error_naming_it(inputs, tmp_path, fake_embedder):
    _, backlog = inputs
    with pytest.raises(InputError, match=r"nowhere\.csv"):
        link(tmp_path / "nowhere.csv", backlog, tmp_path / "out.csv", embedder=fake_embedder)


def test_a_second_run_embeds_no_backlog_text(inputs, tmp_path, fake_embedder):
    feedback, backlog = inputs
    first = link(feedback, backlog, tmp_path / "a.csv", embedder=fake_embedder)
    second = link(feedback, backlog, tmp_path / "b.csv", embedder=fake_embedder)
    assert (first.backlog_embedded, first.backlog_cached) == (len(BACKLOG), 0)
    assert (second.backlog_embedded, second.backlog_cached) == (0, len(BACKLOG))
    assert second.cache_path is not None
    assert second.cache_path.parent == tmp_path / "state" / "cache"
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()


def test_the_link_subcommand_has_exactly_the_documented_flags(inputs, tmp_path, fake_embedder, monkeypatch, capsys):
    parser = argparse.ArgumentParser(prog="closedloop")
    add_link_parser(parser.add_subparsers(dest="command", required=True))
    feedback, backlog = inputs
    args = parser.parse_args(["link", "--feedback", str(feedback), "--backlog", str(backlog),
                              "--feedback-id-col", "feedback_id", "--feedback-text-col", "text",
                              "--backlog-id-col", "item_id", "--backlog-text-col", "text",
                              "--top-k", "3", "--out", str(tmp_path / "out.csv")])
    assert args.func is cmd_link
    options = {o for action in parser._subparsers._group_actions[0].choices["link"]._actions  # type: ignore[union-attr]
               for o in action.option_strings}
    assert options == {"-h", "--help", "--feedback", "--backlog", "--feedback-id-col", "--feedback-text-col",
                       "--backlog-id-col", "--backlog-text-col", "--top-k", "--out"}
    monkeypatch.setattr("closedloop.cli.link.default_embedder", lambda: fake_embedder)
    assert args.func(args) == 0
    assert len(_read(tmp_path / "out.csv")) == 3 * len(FEEDBACK)
