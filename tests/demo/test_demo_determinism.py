"""Same arguments, same bytes; another seed, other data."""

from __future__ import annotations

from pathlib import Path

from closedloop.demo import DemoSummary, generate


def test_two_runs_with_the_same_arguments_write_byte_identical_files(
    demo: DemoSummary, small_args: dict[str, int], tmp_path: Path
) -> None:
    again = generate(tmp_path / "again", **small_args)
    assert again.files == demo.files
    for name in demo.files:
        assert (again.out / name).read_bytes() == (demo.out / name).read_bytes(), name


def test_a_different_seed_writes_different_tickets_and_backlog(
    demo: DemoSummary, small_args: dict[str, int], tmp_path: Path
) -> None:
    other = generate(tmp_path / "other", tickets=small_args["tickets"], seed=small_args["seed"] + 1)
    for name in ("zendesk/tickets.jsonl", "zendesk/ticket_audits.jsonl", "truth/tickets.csv",
                 "jira/issues-0000.json"):
        assert (other.out / name).read_bytes() != (demo.out / name).read_bytes(), name


def test_regenerating_into_the_same_folder_leaves_no_stale_files(tmp_path: Path) -> None:
    first = generate(tmp_path / "out", tickets=300, seed=1, quarters=8)
    second = generate(tmp_path / "out", tickets=300, seed=1, quarters=2)
    assert len(second.files) <= len(first.files)
    assert sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*") if p.is_file()) == list(
        second.files
    )
