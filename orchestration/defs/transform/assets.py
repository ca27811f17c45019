"""dbt models as Dagster assets; dbt tests become asset checks.

Groups come from the dbt folders (staging, intermediate, marts), not from model names.
"""


import json
import logging
import time
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from closedloop.core.settings import load_settings
from orchestration.defs.transform.resources import dbt_project

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
            name="closedloop_dbt")
def closedloop_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """``dbt build`` (seeds, models, tests) for the selected models, with the drill-through link templates as vars."""
    started = time.perf_counter()
    counts = {"models": 0, "checks": 0, "failed_checks": 0}
    links = json.dumps(load_settings().drill_through_vars)
    for event in dbt.cli(["build", "--vars", links], context=context).stream():
        if isinstance(event, dg.Output | dg.AssetMaterialization):
            counts["models"] += 1
        elif isinstance(event, dg.AssetCheckResult):
            counts["checks"] += 1
            counts["failed_checks"] += 0 if event.passed else 1
        yield event
    log.info(f"dbt build: {counts['models']} models/seeds built, {counts['checks']} tests "
             f"({counts['failed_checks']} failed) in {time.perf_counter() - started:.1f}s")
