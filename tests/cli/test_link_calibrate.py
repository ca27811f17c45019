"""``closedloop link calibrate`` beside ``closedloop link``: flags, and the warehouse it needs."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from closedloop.cli.link import add_link_parser, cmd_link
from closedloop.cli.link_calibrate import cmd_calibrate
from closedloop.review.store import ReviewError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="closedloop")
    add_link_parser(parser.add_subparsers(dest="command", required=True))
    return parser


def test_calibrate_is_a_subcommand_of_link_reading_the_warehouse_by_default() -> None:
    args = _parser().parse_args(["link", "calibrate"])
    assert args.func is cmd_calibrate
    assert args.reviews == "warehouse"
    assert not args.dry_run


def test_link_without_its_files_still_names_the_missing_flags(capsys: pytest.CaptureFixture[str]) -> None:
    args = _parser().parse_args(["link", "--feedback", "f.csv"])
    assert args.func is cmd_link
    with pytest.raises(SystemExit):
        args.func(args)
    assert "the following arguments are required: --backlog, --out" in capsys.readouterr().err


def test_calibrate_before_any_run_says_to_run_the_pipeline_first(tmp_path: Path) -> None:
    args = _parser().parse_args(["link", "calibrate", "--reviews", str(tmp_path / "reviews.csv")])
    with pytest.raises(ReviewError, match="no warehouse yet: run `closedloop run` first"):
        args.func(args)
