"""The last build's record: a failed build is never published, and readers are told why nothing is there."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from closedloop.core.builds import BuildRecord, FailedNode, last_build, record_build
from closedloop.core.serving import NoPublishedMartsError, UnpublishedBuildError, publish_green_build, published_marts
from closedloop.core.settings import load_settings

FAILED = BuildRecord(succeeded=False, finished_at="2026-12-04 08:46:46 UTC", skipped=165, failed=(FailedNode(
    name="not_null_fct_tickets_ticket_id", resource_type="test", status="fail", model="fct_tickets", failures=2,
    message="Got 2 results, configured to fail if != 0", columns=("ticket_id",), rows=(("null",), ("null",))),))


def _warehouse(path: Path, rows: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute(f"create or replace table marts.fct_tickets as select range as ticket_id from range({rows})")
    return path


def test_a_build_record_reads_back_as_it_was_written(tmp_path: Path) -> None:
    assert last_build(tmp_path) is None
    record_build(tmp_path, FAILED)
    assert last_build(tmp_path) == FAILED
    assert FAILED.describe().splitlines()[:4] == [
        "dbt build FAILED at 2026-12-04 08:46:46 UTC: 1 failed (not_null_fct_tickets_ticket_id on fct_tickets); "
        "165 node(s) skipped",
        "dbt test not_null_fct_tickets_ticket_id on fct_tickets failed, 2 failing row(s)",
        "  Got 2 results, configured to fail if != 0",
        "  ticket_id"]


def test_after_a_failed_build_nothing_is_published_and_the_serving_file_is_untouched() -> None:
    settings = load_settings()
    _warehouse(settings.warehouse, 10)
    publish_green_build(settings)
    before = (settings.serving_warehouse.read_bytes(), settings.serving_warehouse.stat().st_mtime_ns)
    _warehouse(settings.warehouse, 3)  # half rebuilt
    record_build(settings.home, FAILED)
    with pytest.raises(UnpublishedBuildError, match="the last dbt build FAILED at 2026-12-04 08:46:46 UTC"):
        publish_green_build(settings)
    assert (settings.serving_warehouse.read_bytes(), settings.serving_warehouse.stat().st_mtime_ns) == before
    assert published_marts(settings) == settings.serving_warehouse


def test_without_a_published_copy_the_reader_is_told_the_last_run_failed() -> None:
    settings = load_settings()
    with pytest.raises(NoPublishedMartsError, match=r"no published marts yet at .*: run `closedloop run`"):
        published_marts(settings)
    record_build(settings.home, FAILED)
    with pytest.raises(NoPublishedMartsError, match=r"no published marts yet: the last run failed at "
                                                    r"2026-12-04 08:46:46 UTC \(1 failed"):
        published_marts(settings)


def test_the_report_command_without_published_marts_says_so_without_a_traceback(run_closedloop, tmp_path: Path):
    home = tmp_path / "fresh"
    _warehouse(home / "warehouse.duckdb", 10)  # a warehouse whose first build failed: present, never published
    record_build(home, FAILED)
    result = run_closedloop("report", "--quarter", "2025Q4", home=home, timeout=120)
    assert result.returncode == 2
    assert "no published marts yet: the last run failed at 2026-12-04 08:46:46 UTC" in result.stderr
    assert "run `closedloop run`" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (home / "reports").exists()
