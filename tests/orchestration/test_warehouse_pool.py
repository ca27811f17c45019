"""Every asset that writes the warehouse is in one Dagster concurrency pool, read from the definitions."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from orchestration.resources import WAREHOUSE_POOL


def test_every_asset_that_builds_the_published_marts_is_in_the_warehouse_pool(dbt_manifest: Path) -> None:
    """Writers are derived from the asset graph: everything upstream of the serving copy, and the copy itself."""
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    writers = dg.AssetSelection.assets("serving_warehouse").upstream().resolve(graph)
    nodes = {graph.get(key).assets_def for key in writers if graph.get(key).is_materializable}
    names = {a.node_def.name for a in nodes}
    assert {"raw_tickets", "ticket_themes", "theme_item_candidates", "closedloop_dbt",
            "serving_warehouse"} <= names, names
    outside = {a.node_def.name: a.op.pool for a in nodes if a.op.pool != WAREHOUSE_POOL}
    assert outside == {}


def test_the_quarterly_report_reads_the_published_marts_and_takes_no_warehouse_slot(dbt_manifest: Path) -> None:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    report = graph.get(dg.AssetKey("quarterly_report"))
    assert report.parent_keys == {dg.AssetKey("serving_warehouse")}
    assert report.assets_def.op.pool is None
