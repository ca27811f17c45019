"""dbt models as Dagster assets; dbt tests become asset checks.

Groups come from the dbt folders (staging, intermediate, marts), not from model names. Every
build's outcome is recorded in ``$CLOSEDLOOP_HOME/last-build.json`` (``closedloop.core.builds``):
the serving copy is published only after a green build, and a failed build fails the step with
a message naming each failed model or test and a few of its failing rows.
"""


import json
import logging
import time
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from closedloop.core.builds import DbtBuildFailedError, read_build, record_build
from closedloop.core.settings import load_settings
from closedloop.core.warehouse import mirror_tables
from closedloop.review.calibrate import calibrated_vars
from orchestration.defs.transform.resources import dbt_project
from orchestration.resources import WAREHOUSE_POOL, ClosedloopResource

log = logging.getLogger("closedloop.pipeline")

class ClosedloopDbtTranslator(DagsterDbtTranslator):
    """Groups dbt assets by their top folder under models/ (staging, intermediate, marts)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """The model's first folder, e.g. ``marts``; seeds go to ``seeds``."""
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props.get("resource_type") == "seed":
            return "seeds"
        return fqn[1] if len(fqn) > 2 else "dbt"


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=ClosedloopDbtTranslator(),
            name="closedloop_dbt", pool=WAREHOUSE_POOL)
def closedloop_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource,
                          closedloop: ClosedloopResource) -> Iterator[Any]:
    """``dbt build`` (seeds, models, tests) with the drill-through link templates as vars; records the outcome.

    Raises:
        DbtBuildFailedError: A model, seed or test of severity error failed (named, with its rows).
    """
    started = time.perf_counter()
    counts = {"models": 0, "checks": 0, "failed_checks": 0}
    settings = load_settings()  # the link templates, and link confidence refitted by `closedloop link calibrate`
    links = json.dumps(settings.drill_through_vars | calibrated_vars(settings.home))
    invocation = dbt.cli(["build", "--vars", links], context=context, raise_on_error=False)
    for event in invocation.stream():
        if isinstance(event, dg.Output | dg.AssetMaterialization):
            counts["models"] += 1
        elif isinstance(event, dg.AssetCheckResult):
            counts["checks"] += 1
            counts["failed_checks"] += 0 if event.passed else 1
        yield event
    log.info(f"dbt build: {counts['models']} models/seeds built, {counts['checks']} tests "
             f"({counts['failed_checks']} failed) in {time.perf_counter() - started:.1f}s")
    mirrored = mirror_tables(closedloop.warehouse_path, ["marts"])  # built on the shared warehouse, if any
    if mirrored:
        log.info(f"marts copied from the shared warehouse: {len(mirrored)} tables, {sum(mirrored.values()):,} rows")
    record = read_build(invocation.target_path, closedloop.warehouse_path, invocation.is_successful())
    record_build(load_settings().home, record)
    if not record.succeeded:
        raise DbtBuildFailedError(record.describe())
