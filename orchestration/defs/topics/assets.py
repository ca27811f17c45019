"""Theme assets: read the tickets and items through the warehouse door, run the topics library.

The library is imported when an asset runs, so loading the definitions loads no model stack.
"""

import logging
from typing import Any

import dagster as dg

from closedloop.core.redact import redact
from closedloop.core.settings import load_settings
from closedloop.core.warehouse import (
    backlog_item_texts,
    connect,
    publish_tables,
    resolved_ticket_texts,
    schema_tables,
)
from orchestration.defs.topics.embed_workers import theme_embedder
from orchestration.resources import WAREHOUSE_POOL, ClosedloopResource

log = logging.getLogger("closedloop.pipeline")


class ThemeRunConfig(dg.Config):
    """Run configuration for the theme assets.

    Attributes:
        force_refit: Refit all themes (the weekly schedule sets this) instead of assigning new tickets.
    """

    force_refit: bool = False


def _redact(text: str) -> str:
    return redact(text) or ""


@dg.multi_asset(
    specs=[
        dg.AssetSpec("topics_themes", deps=["raw_tickets", "review_theme_edits"], group_name="topics",
                     kinds={"python", "duckdb"},
                     description="Themes found in redacted ticket text (topics.themes)."),
        dg.AssetSpec("topics_ticket_themes", deps=["raw_tickets"], group_name="topics", kinds={"python", "duckdb"},
                     description="Each resolved ticket's theme (topics.ticket_themes)."),
        dg.AssetSpec("topics_theme_lineage", deps=["raw_tickets"], group_name="topics", kinds={"python", "duckdb"},
                     description="How theme ids carried over between refits (topics.theme_lineage)."),
        dg.AssetSpec("topics_ticket_languages", deps=["raw_tickets"], group_name="topics",
                     kinds={"python", "duckdb"}, description="Each ticket's detected language."),
        dg.AssetSpec("topics_theme_groups", deps=["raw_tickets", "review_theme_edits"], group_name="topics",
                     kinds={"python", "duckdb"},
                     description="Top-level theme groups and each theme's parent (topics.theme_groups)."),
    ],
    name="ticket_themes",
    pool=WAREHOUSE_POOL,
)
def ticket_themes(context: dg.AssetExecutionContext, config: ThemeRunConfig, closedloop: ClosedloopResource):
    """Assign new tickets to existing themes, or refit (first run, weekly, or too many misfits).

    Embedding runs in-process, or in ``CLOSEDLOOP_EMBED_WORKERS`` worker processes under Dagster Pipes.
    """
    from topics.refresh import update_themes  # the model stack loads when the asset runs, not at import

    settings = load_settings()
    with connect(closedloop.warehouse_path) as con, theme_embedder(context, settings, con) as embedder:
        report = update_themes(con, resolved_ticket_texts(con), force_refit=config.force_refit, progress=log.info,
                               model_cache_dir=settings.cache, redact=_redact, embedder=embedder)
        publish_tables(con, schema_tables(con, ["topics"]))  # to the shared warehouse, when there is one
    metadata: dict[str, Any] = {"mode": report.mode, "tickets": report.tickets, "new_tickets": report.new_tickets,
                "embedded": report.embedded, "from_cache": report.from_cache, "themes": report.themes,
                "outlier_share": round(report.outlier_share, 4), "model_version": report.model_version,
                "lineage": dg.MetadataValue.json(report.lineage), "seconds": round(report.seconds, 1),
                "assignment_agreement": (dg.MetadataValue.null() if report.assignment_agreement is None
                                         else round(report.assignment_agreement, 4)),
                "assignment_compared": report.assignment_compared}
    for key in ("topics_themes", "topics_ticket_themes", "topics_theme_lineage", "topics_ticket_languages",
                "topics_theme_groups"):
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)


@dg.multi_asset(
    specs=[
        dg.AssetSpec("topics_theme_item_candidates", deps=["topics_themes", "raw_backlog_items"],
                     group_name="topics", kinds={"python", "duckdb"},
                     description="Each backlog item's most similar themes (topics.theme_item_candidates): "
                                 "semantic evidence that dbt combines with explicit references, theme volume "
                                 "and human review."),
        dg.AssetSpec("topics_item_neighbours", deps=["raw_backlog_items"], group_name="topics",
                     kinds={"python", "duckdb"},
                     description="Each backlog item's most similar other items (topics.item_neighbours): "
                                 "dbt asks whether an item reads like an explicit fix of a theme."),
    ],
    name="theme_item_candidates",
    pool=WAREHOUSE_POOL,
)
def theme_item_candidates(closedloop: ClosedloopResource):
    """Score every backlog item against the current themes and the other items with the link matcher."""
    from topics.link.refresh import update_theme_item_candidates

    with connect(closedloop.warehouse_path) as con:
        report = update_theme_item_candidates(con, backlog_item_texts(con), progress=log.info)
        publish_tables(con, ("topics.theme_item_candidates", "topics.item_neighbours", "topics.embedding_cache"))
    metadata = {"themes": report.themes, "items": report.items, "candidates": report.candidates,
                "item_neighbours": report.neighbours, "embedded": report.embedded,
                "from_cache": report.from_cache, "seconds": round(report.seconds, 1)}
    for key in ("topics_theme_item_candidates", "topics_item_neighbours"):
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)
