"""Dagster definitions: gathers each domain's assets and adds global policy; nothing runs at import.

Global policy: the in-process executor (DuckDB has one writer at a time), one job over every
unpartitioned asset, a daily schedule and a sensor on the inbox folder. The dbt manifest must
exist before this module is imported (``closedloop run`` and ``make setup`` prepare it; ``dagster
dev`` parses when it is stale).
"""

from __future__ import annotations

import dagster as dg

from orchestration.defs.alerts.assets import alert_assets
from orchestration.defs.alerts.sensors import alert_on_run_failure
from orchestration.defs.ingest.assets import raw_assets
from orchestration.defs.ingest.checks import raw_checks
from orchestration.defs.ingest.schedules import build_daily_schedule
from orchestration.defs.ingest.sensors import build_new_exports_sensor
from orchestration.defs.publish.assets import publish_assets
from orchestration.defs.publish.report import (
    REPORT_SELECTION,
    quarterly_report,
    quarterly_report_job,
    quarterly_report_schedule,
)
from orchestration.defs.review.assets import review_decisions
from orchestration.defs.topics.assets import theme_item_candidates, ticket_themes
from orchestration.defs.topics.checks import topic_checks
from orchestration.defs.transform.assets import closedloop_dbt_assets
from orchestration.defs.transform.resources import dbt_resource
from orchestration.resources import default_resource

# The quarterly report is partitioned by quarter: it has its own job and schedule, not the daily run.
pipeline_job = dg.define_asset_job("closedloop_pipeline", selection=dg.AssetSelection.all() - REPORT_SELECTION,
                                   description="Every unpartitioned closedloop asset: ingest, dbt, topics, publish.")

defs = dg.Definitions(
    assets=[*raw_assets, review_decisions, ticket_themes, theme_item_candidates, closedloop_dbt_assets, *publish_assets,
            quarterly_report, *alert_assets],
    asset_checks=[*raw_checks, *topic_checks],
    jobs=[pipeline_job, quarterly_report_job],
    schedules=[build_daily_schedule(pipeline_job), quarterly_report_schedule],
    sensors=[build_new_exports_sensor(pipeline_job), alert_on_run_failure],
    resources={"closedloop": default_resource(), "dbt": dbt_resource()},
    executor=dg.in_process_executor,
)
