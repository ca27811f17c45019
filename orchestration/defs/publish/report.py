"""The quarterly leadership report as a quarterly-partitioned asset, and the schedule that builds it.

Thin wiring over ``reports`` (no business logic here). Why it stays out of the everyday run:
``closedloop run`` and the daily schedule materialize every *unpartitioned* asset; this asset
is partitioned by calendar quarter, so ``definitions.py`` leaves it out of that job
(:data:`REPORT_SELECTION`) and it runs only

- from ``quarterly_report_schedule``, at 07:00 UTC on the first day of each quarter (after the
  06:00 daily pipeline run), for the quarter that just ended, and only when the published marts
  have resolved tickets in it (otherwise the tick is skipped with the reason); should the serving
  file be held for writing the asset asks Dagster to retry (every 5 minutes, 6 times);
- when someone materializes a partition (the Dagster UI, a backfill), or with the CLI's
  ``closedloop report --quarter 2025Q4``, which runs the same library code without Dagster.

Both read only the serving copy (``$CLOSEDLOOP_HOME/serving/closedloop.duckdb``), which is published
after a green ``dbt build`` only: a failed build never reaches a report.

Partition keys are the quarters' first days (``2025-10-01`` is 2025Q4). Files go to
``$CLOSEDLOOP_HOME/reports/report-<quarter>.{html,pdf}``.
"""


from datetime import datetime
from pathlib import Path

import dagster as dg

from closedloop.core.serving import published_marts
from closedloop.core.settings import load_settings
from orchestration.defs.publish.assets import serving_warehouse
from reports.data import WarehouseBusyError, has_data
from reports.quarters import Quarter

FIRST_QUARTER = "2024-01-01"
BUSY_RETRIES, BUSY_WAIT_SECONDS = 6, 300  # a pipeline run holding the warehouse lock: retry for 30 minutes

quarter_partitions = dg.TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 1,4,7,10 *", start=FIRST_QUARTER, fmt="%Y-%m-%d", timezone="UTC", end_offset=0,
)


def quarter_of_partition(partition_key: str) -> Quarter:
    """The quarter a partition key (its first day, ``2025-10-01``) stands for."""
    return Quarter.containing(datetime.strptime(partition_key, "%Y-%m-%d").date())


def reports_dir() -> Path:
    """Where the asset writes reports: ``$CLOSEDLOOP_HOME/reports``."""
    return load_settings().home / "reports"


@dg.asset(
    key="quarterly_report", group_name="publish", partitions_def=quarter_partitions, kinds={"python", "pdf"},
    deps=[serving_warehouse],
    description="Leadership report for one calendar quarter (HTML and PDF) from the published marts, the "
                "serving copy of the last green build (reports/).",
)
def quarterly_report(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """Write ``report-<quarter>.html`` and ``.pdf`` from the serving copy.

    Fails with the reason when the quarter has no data or nothing was published yet.
    """
    quarter = quarter_of_partition(context.partition_key)
    try:
        from reports.build import build_report  # the renderers load when a report is built

        files = build_report(quarter, reports_dir(), published_marts(load_settings()))
    except WarehouseBusyError as exc:  # the daily run is still writing: wait for it
        raise dg.RetryRequested(max_retries=BUSY_RETRIES, seconds_to_wait=BUSY_WAIT_SECONDS) from exc
    return dg.MaterializeResult(metadata={
        "quarter": quarter.key, "html": dg.MetadataValue.path(str(files.html)),
        "pdf": dg.MetadataValue.path(str(files.pdf)), "seconds": round(files.seconds, 1),
    })


REPORT_SELECTION = dg.AssetSelection.assets(quarterly_report)

quarterly_report_job = dg.define_asset_job(
    "quarterly_report_job", selection=REPORT_SELECTION,
    description="The quarterly leadership report for one quarter (a partition).",
)


@dg.schedule(name="quarterly_report_schedule", job=quarterly_report_job, cron_schedule="0 7 1 1,4,7,10 *",
             execution_timezone="UTC", default_status=dg.DefaultScheduleStatus.STOPPED)
def quarterly_report_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    """After each quarter ends, report on it when the marts have resolved tickets in it."""
    quarter = Quarter.containing(context.scheduled_execution_time.date()).previous
    warehouse = load_settings().serving_warehouse
    try:
        if not has_data(warehouse, quarter):
            return dg.SkipReason(f"no resolved tickets in {quarter.key} in {warehouse}: no report")
    except WarehouseBusyError:
        pass  # a run is writing the warehouse; the asset retries until it can read it
    return dg.RunRequest(run_key=quarter.key, partition_key=quarter.start.isoformat())
