"""Publish the marts: the serving warehouse Superset reads, and the dashboards bundle pushed to Superset.

Thin wiring over ``closedloop.core.serving`` and ``dashboards.sync``. ``serving_warehouse`` runs after
every dbt model of the ``marts`` group (derived from the dbt assets, not a hand-kept list) and only
after a green ``dbt build``;
``superset_dashboards`` pushes the bundle when ``CLOSEDLOOP_SUPERSET_URL`` is set and is skipped,
with the reason in the log, when it is not, so ``closedloop run`` never needs a Superset.
"""

import logging

import dagster as dg

from closedloop.core.errors import ClosedloopError
from closedloop.core.serving import publish_green_build
from closedloop.core.settings import load_settings
from dashboards.sync import push
from orchestration.defs.transform.assets import closedloop_dbt_assets
from orchestration.resources import WAREHOUSE_POOL, ClosedloopResource

log = logging.getLogger("closedloop.pipeline")

MART_KEYS = sorted((spec.key for spec in closedloop_dbt_assets.specs if spec.group_name == "marts"),
                   key=lambda key: key.to_user_string())


@dg.asset(key="serving_warehouse", group_name="publish", deps=MART_KEYS, kinds={"duckdb"}, pool=WAREHOUSE_POOL,
          description="Read-only copy of the marts for Superset ($CLOSEDLOOP_HOME/serving/closedloop.duckdb), "
                      "swapped in atomically.")
def serving_warehouse(closedloop: ClosedloopResource) -> dg.MaterializeResult:
    """Copy the ``marts`` schema to the serving file (temp file in the same folder, then one rename).

    Nothing is published while the last dbt build failed (the step fails with the reason and the
    serving file stays as it was); Dagster skips this step anyway when the dbt step fails.
    """
    report = publish_green_build(load_settings(), closedloop.warehouse_path)
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(report.path)), "tables": len(report.tables),
        "rows": sum(report.tables.values()), "seconds": round(report.seconds, 2)})


@dg.asset(key="superset_dashboards", group_name="publish", deps=[serving_warehouse], kinds={"superset"},
          output_required=False,
          description="The dashboards bundle (dashboards/bundle) imported into the Superset at "
                      "$CLOSEDLOOP_SUPERSET_URL; skipped when that is not set.")
def superset_dashboards(context: dg.AssetExecutionContext):
    """Push the bundle through Superset's REST API, or skip with the reason when no Superset is configured."""
    settings = load_settings()
    url = settings.superset_url
    if not url:
        message = "superset_dashboards skipped: CLOSEDLOOP_SUPERSET_URL is not set (see README, Dashboards)"
        log.info(message)
        context.log.info(message)
        return
    username, password = settings.superset_login
    if not password:
        raise ClosedloopError("CLOSEDLOOP_SUPERSET_URL is set but CLOSEDLOOP_SUPERSET_ADMIN_PASSWORD is not")
    count = push(url, username, password, settings.serving_warehouse, settings.superset_home)
    yield dg.Output(None, metadata={"url": dg.MetadataValue.url(url), "dashboards": count})


publish_assets = [serving_warehouse, superset_dashboards]
