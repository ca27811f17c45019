"""raw_* assets: one per canonical raw table, each loading its exports into DuckDB."""


import dagster as dg

from closedloop.core.warehouse import publish_tables
from closedloop.ingest.config import load_config
from closedloop.ingest.load import LOAD_ORDER, load_entity, open_warehouse
from closedloop.ingest.schema import ENTITIES
from orchestration.resources import WAREHOUSE_POOL, ClosedloopResource


def build_raw_asset(entity_name: str) -> dg.AssetsDefinition:
    """Asset ``raw_<entity>`` that loads the entity's export files from the data folder."""
    entity = ENTITIES[entity_name]
    # Rows naming a ticket, group or agent are checked against the parent's raw table, so the parent loads first.
    parents = sorted({f"raw_{ref.parent}" for ref in entity.references})

    @dg.asset(
        name=f"raw_{entity_name}",
        deps=parents,
        group_name="ingest",
        kinds={"duckdb"},
        pool=WAREHOUSE_POOL,
        description=f"{entity.description} Loaded from the help-desk/tracker exports into {entity.table}; "
        "bad rows go to raw.quarantine.",
    )
    def _raw_asset(context: dg.AssetExecutionContext, closedloop: ClosedloopResource) -> dg.MaterializeResult:
        config_path = closedloop.data_path / "closedloop-sources.yml"
        config = load_config(config_path if config_path.exists() else None)
        con = open_warehouse(closedloop.warehouse_path)
        try:
            report = load_entity(con, config[entity_name], closedloop.export_folders)
            # to the shared warehouse, if any
            publish_tables(con, (entity.table, "raw.quarantine", "raw.source_defaults"))
        finally:
            con.close()
        if report.rows_quarantined:
            context.log.warning(f"{report.rows_quarantined} {entity_name} rows quarantined: {report.reasons}")
        return dg.MaterializeResult(
            metadata={
                "files": len(report.files),
                "rows_read": report.rows_read,
                "rows_valid": report.rows_valid,
                "rows_quarantined": report.rows_quarantined,
                "dagster/row_count": report.rows_in_table,
                "rows_added": report.rows_added,
                "quarantine_reasons": dg.MetadataValue.json(report.reasons),
                # no file matched, references emptied: repeated at the end of `closedloop run`
                "warnings": dg.MetadataValue.json(report.warnings),
                "seconds": round(report.seconds, 2),
            }
        )

    return _raw_asset


raw_assets = [build_raw_asset(name) for name in LOAD_ORDER]
