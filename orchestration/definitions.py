"""Dagster definitions: gathers each domain's assets and adds global policy.

Global policy: the in-process executor (DuckDB has one writer at a time), one job over every
asset, a daily schedule and a sensor on the inbox folder.
"""

from __future__ import annotations

import dagster as dg

from closedloop.settings import prepare_environment

prepare_environment()

from orchestration.defs.ingest.assets import raw_assets  # noqa: E402
from orchestration.defs.ingest.checks import raw_checks  # noqa: E402
from orchestration.defs.ingest.schedules import build_daily_schedule  # noqa: E402
from orchestration.defs.ingest.sensors import build_new_exports_sensor  # noqa: E402
from orchestration.defs.publish.assets import publish_assets  # noqa: E402
from orchestration.defs.publish.report import (  # noqa: E402
    REPORT_SELECTION,
    quarterly_report,
    quarterly_report_job,
    quarterly_report_schedule,
)
from orchestration.defs.topics.assets import theme_item_candidates, ticket_themes  # noqa: E402
from orchestration.defs.topics.checks import (  # noqa: E402
    daily_assignment_agrees_with_refit,
    no_theme_id_reused_for_another_subject,
    outlier_share_is_small,
    theme_count_is_in_a_sane_range,
)
from orchestration.defs.transform.assets import closedloop_dbt_assets, dbt_resource  # noqa: E402
from orchestration.resources import default_resource  # noqa: E402

# The quarterly report is partitioned by quarter: it has its own job and schedule, not the daily run.
pipeline_job = dg.define_asset_job("closedloop_pipeline", selection=dg.AssetSelection.all() - REPORT_SELECTION,
                                   description="Every unpartitioned closedloop asset: ingest, dbt, topics, publish.")

defs = dg.Definitions(
    assets=[*raw_assets, ticket_themes, theme_item_candidates, closedloop_dbt_assets, *publish_assets,
            quarterly_report],
    asset_checks=[*raw_checks, outlier_share_is_small, theme_count_is_in_a_sane_range,
                  no_theme_id_reused_for_another_subject, daily_assignment_agrees_with_refit],
    jobs=[pipeline_job, quarterly_report_job],
    schedules=[build_daily_schedule(pipeline_job), quarterly_report_schedule],
    sensors=[build_new_exports_sensor(pipeline_job)],
    resources={"closedloop": default_resource(), "dbt": dbt_resource()},
    executor=dg.in_process_executor,
)
