"""Reading a tracker export for ``closedloop link``: one text column, or title/body/labels/components columns."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from topics.errors import InputError
from topics.link.files import Columns, link_files, read_backlog


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_title_and_body_columns_are_read_when_there_is_no_text_column(tmp_path):
    backlog = _write(tmp_path / "jira.csv", ["item_id", "title", "body", "labels", "components"], [
        ["YARN-1", "NM crashes on restart", "Stack trace:\njava.lang.NullPointerException\n at Foo.bar",
         "crash;nodemanager", "nodemanager, yarn"],
        ["YARN-2", "Docs typo", "", "", ""],
    ])
    items = read_backlog(backlog, Columns())
    assert [(i.item_id, i.title) for i in items] == [("YARN-1", "NM crashes on restart"), ("YARN-2", "Docs typo")]
    assert items[0].description.startswith("Stack trace:\njava.lang.NullPointerException")
    assert items[0].labels == ("crash", "nodemanager")
    assert items[0].components == ("nodemanager", "yarn")
    assert (items[1].description, items[1].labels, items[1].components) == ("", (), ())


def test_a_text_column_still_wins_and_its_first_line_is_the_title(tmp_path):
    backlog = _write(tmp_path / "b.csv", ["item_id", "text", "title"], [["EX-1", "Summary line\nthe body", "other"]])
    (item,) = read_backlog(backlog, Columns())
    assert (item.title, item.description) == ("Summary line", "the body")


def test_a_backlog_with_neither_text_nor_title_names_the_file_and_its_columns(tmp_path):
    backlog = _write(tmp_path / "b.csv", ["item_id", "summary"], [["EX-1", "x"]])
    with pytest.raises(InputError) as error:
        read_backlog(backlog, Columns())
    message = str(error.value)
    for part in (str(backlog), "'text'", "'title'", "item_id, summary", "--backlog-text-col"):
        assert part in message


def test_a_row_without_id_is_named_by_its_line(tmp_path):
    backlog = _write(tmp_path / "b.csv", ["item_id", "title", "body"], [["EX-1", "a", "b"], ["", "c", "d"]])
    with pytest.raises(InputError, match=r"line 3"):
        read_backlog(backlog, Columns())


def test_link_files_ranks_a_title_body_backlog(tmp_path, fake_embedder):
    feedback = _write(tmp_path / "f.csv", ["feedback_id", "text"], [["r1", "nodemanager crashes on restart"]])
    backlog = _write(tmp_path / "b.csv", ["item_id", "title", "body"], [
        ["YARN-2", "Docs typo in the capacity scheduler page", "fix a word"],
        ["YARN-1", "NM fails after restart", "the nodemanager crashes on restart with an exception"],
    ])
    report = link_files(feedback, backlog, tmp_path / "out.csv", top_k=2, embedder=fake_embedder)
    with (tmp_path / "out.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert report.backlog_items == 2
    assert [r["item_id"] for r in rows] == ["YARN-1", "YARN-2"]
