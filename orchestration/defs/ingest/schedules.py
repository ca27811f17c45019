"""Daily schedule for the whole pipeline."""

from __future__ import annotations

import dagster as dg


def build_daily_schedule(job: dg.UnresolvedAssetJobDefinition | dg.JobDefinition) -> dg.ScheduleDefinition:
    """``daily_pipeline``: every asset, every day at 06:00 UTC."""
    return dg.ScheduleDefinition(name="daily_pipeline", job=job, cron_schedule="0 6 * * *",
                                 execution_timezone="UTC", default_status=dg.DefaultScheduleStatus.STOPPED)
