"""Review decisions as assets: the ``review`` schema dbt reads, and the theme edits the theme step applies."""

import logging

import dagster as dg

from closedloop.core.warehouse import connect, publish_tables, schema_tables
from closedloop.review.store import ensure_review_schema, sync_theme_edits
from orchestration.resources import WAREHOUSE_POOL, ClosedloopResource

log = logging.getLogger("closedloop.pipeline")


@dg.multi_asset(
    specs=[
        dg.AssetSpec("review_link_decisions", group_name="review", kinds={"duckdb"},
                     description="Reviewers' confirmed and rejected theme-item links (review.link_decisions), "
                                 "read by dbt on every run (stg_review__link_decisions)."),
        dg.AssetSpec("review_theme_edits", group_name="review", kinds={"python", "duckdb"},
                     description="Reviewers' theme decisions (review.theme_decisions) written into "
                                 "topics.theme_edits, which the theme step applies at every fit."),
    ],
    name="review_decisions",
    pool=WAREHOUSE_POOL,
)
def review_decisions(closedloop: ClosedloopResource):
    """Create the review schema when missing and write the theme decisions into ``topics.theme_edits``."""
    with connect(closedloop.warehouse_path) as con:
        ensure_review_schema(con)
        edits = sync_theme_edits(con)
        row = con.execute("select count(*) from review.link_decisions").fetchone()
        links = int(row[0]) if row else 0
        publish_tables(con, [*schema_tables(con, ["review"]), "topics.theme_edits"])  # shared warehouse, if any
    log.info(f"review: {links} link decisions, {edits} theme decisions applied")
    yield dg.MaterializeResult(asset_key="review_link_decisions", metadata={"link_decisions": links})
    yield dg.MaterializeResult(asset_key="review_theme_edits", metadata={"theme_decisions": edits})
