"""The quarterly report in Dagster: a quarterly-partitioned asset and a schedule, outside the daily job."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from orchestration.defs.publish.report import (
    quarter_of_partition,
    quarter_partitions,
    quarterly_report,
    quarterly_report_schedule,
)
from orchestration.resources import ClosedloopResource
from reports import Quarter, build_report
from reports.data import WarehouseBusyError


def test_partition_keys_are_the_first_days_of_complete_quarters() -> None:
    keys = quarter_partitions.get_partition_keys(current_time=datetime(2026, 1, 15, tzinfo=UTC))
    assert keys[0] == "2024-01-01"
    assert keys[-1] == "2025-10-01"
    assert quarter_of_partition(keys[-1]).key == "2025Q4"


def test_the_daily_pipeline_job_leaves_the_partitioned_report_out(dbt_manifest: Path) -> None:
    from orchestration.definitions import defs

    pipeline = defs.resolve_job_def("closedloop_pipeline")
    assert dg.AssetKey("quarterly_report") not in pipeline.asset_layer.executable_asset_keys
    assert pipeline.partitions_def is None
    assert defs.resolve_job_def("quarterly_report_job").partitions_def == quarter_partitions


def last_quarter_with_data(home: Path) -> Quarter:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        row = con.execute("select max(quarter_key) from marts.fct_support_quarterly where tickets_resolved > 0")
        return Quarter.parse(row.fetchone()[0])  # type: ignore[index]


@pytest.fixture
def home_with_warehouse(demo_pipeline: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A CLOSEDLOOP_HOME holding a copy of the demo warehouse and of its published marts."""
    home = tmp_path / "state"
    (home / "serving").mkdir(parents=True)
    shutil.copyfile(demo_pipeline["home"] / "warehouse.duckdb", home / "warehouse.duckdb")
    shutil.copyfile(demo_pipeline["home"] / "serving" / "closedloop.duckdb", home / "serving" / "closedloop.duckdb")
    monkeypatch.setenv("CLOSEDLOOP_HOME", str(home))
    return home


def test_materializing_a_quarter_writes_its_report_under_the_home_folder(home_with_warehouse: Path) -> None:
    resource = ClosedloopResource(warehouse=str(home_with_warehouse / "warehouse.duckdb"),
                                  data_dir=str(home_with_warehouse))
    quarter = last_quarter_with_data(home_with_warehouse)
    result = dg.materialize([quarterly_report], partition_key=quarter.start.isoformat(),
                            resources={"closedloop": resource})
    assert result.success
    metadata = result.asset_materializations_for_node("quarterly_report")[0].metadata
    assert metadata["quarter"].value == quarter.key
    assert (home_with_warehouse / "reports" / f"report-{quarter.key}.pdf").exists()
    assert (home_with_warehouse / "reports" / f"report-{quarter.key}.html").exists()


def test_materializing_a_quarter_without_data_fails_with_the_reason_and_writes_nothing(
        home_with_warehouse: Path) -> None:
    resource = ClosedloopResource(warehouse=str(home_with_warehouse / "warehouse.duckdb"),
                                  data_dir=str(home_with_warehouse))
    empty = last_quarter_with_data(home_with_warehouse).next
    result = dg.materialize([quarterly_report], partition_key=empty.start.isoformat(),
                            resources={"closedloop": resource}, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert f"no resolved tickets in {empty.key}" in str(failure.step_failure_data.error)
    assert not (home_with_warehouse / "reports").exists()


def test_the_schedule_requests_the_quarter_that_just_ended_when_it_has_data(home_with_warehouse: Path) -> None:
    quarter = last_quarter_with_data(home_with_warehouse)
    tick = datetime(quarter.next.year, quarter.next.start.month, 1, 7, tzinfo=UTC)
    request = quarterly_report_schedule(dg.build_schedule_context(scheduled_execution_time=tick))
    assert isinstance(request, dg.RunRequest)
    assert (request.partition_key, request.run_key) == (quarter.start.isoformat(), quarter.key)


def test_the_schedule_skips_a_quarter_without_data_and_says_why(home_with_warehouse: Path) -> None:
    empty = last_quarter_with_data(home_with_warehouse).next.next
    tick = datetime(empty.next.year, empty.next.start.month, 1, 7, tzinfo=UTC)
    skipped = quarterly_report_schedule(dg.build_schedule_context(scheduled_execution_time=tick))
    assert isinstance(skipped, dg.SkipReason)
    assert f"no resolved tickets in {empty.key}" in (skipped.skip_message or "")


def test_the_report_reads_the_published_marts_not_the_live_warehouse(home_with_warehouse: Path) -> None:
    """A live warehouse left half rebuilt by a failed build is never read: only the serving copy is."""
    quarter = last_quarter_with_data(home_with_warehouse)
    with duckdb.connect(str(home_with_warehouse / "warehouse.duckdb")) as con:
        con.execute("drop schema marts cascade")
    result = dg.materialize([quarterly_report], partition_key=quarter.start.isoformat())
    assert result.success
    assert (home_with_warehouse / "reports" / f"report-{quarter.key}.pdf").exists()


@pytest.fixture
def warehouse_locked_by_a_writer(home_with_warehouse: Path) -> Iterator[Path]:
    """Another process holds the file the report reads open for writing."""
    warehouse = home_with_warehouse / "serving" / "closedloop.duckdb"
    writer = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time\n"
                               f"con = duckdb.connect({str(warehouse)!r})\nprint('open', flush=True)\n"
                               "time.sleep(120)\n"], stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "open"
    yield warehouse
    writer.kill()
    writer.wait()


def test_a_warehouse_locked_by_a_run_is_reported_as_busy_not_as_empty(warehouse_locked_by_a_writer: Path,
                                                                       tmp_path: Path) -> None:
    quarter = Quarter.parse("2025Q4")
    with pytest.raises(WarehouseBusyError, match="a pipeline run is writing it"):
        build_report(quarter, tmp_path / "out", warehouse_locked_by_a_writer)
    assert not (tmp_path / "out").exists()
    tick = datetime(2026, 1, 1, 7, tzinfo=UTC)
    request = quarterly_report_schedule(dg.build_schedule_context(scheduled_execution_time=tick))
    assert isinstance(request, dg.RunRequest), "the schedule must not skip a quarter it could not check"
