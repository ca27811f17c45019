"""What the three dashboards show: their charts, row by row, and their filters.

This is the compact source of the YAML bundle in ``dashboards/bundle/``; ``python -m dashboards.build``
regenerates the bundle from it. The datasets (SQL over the marts) and their metrics are in
:mod:`dashboards.datasets`, the chart builders in :mod:`dashboards.charts`; both are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboards.charts import Chart, bar, kpi, line, pie, rows_table, table
from dashboards.datasets import (
    AGENTS,
    DATASETS,
    DEPOSITS,
    ESCALATIONS,
    FILTER_COLUMNS,
    FILTER_LABELS,
    IMPACT,
    LEAD_TIME,
    LINKS,
    QA,
    SECURITY,
    SUPPORT_DRIVEN,
    THEME_EXAMPLES,
    THEME_GROWTH,
    THEME_TAXONOMY,
    THEME_TICKETS,
    THEME_WEEKLY,
    TICKETS,
    Dataset,
    Metric,
)

__all__ = [  # the spec's whole vocabulary, as before datasets and chart builders got their own modules
    "AGENTS", "DASHBOARDS", "DATASETS", "DEPOSITS", "ESCALATIONS", "FILTER_COLUMNS", "FILTER_LABELS", "IMPACT",
    "LEADERSHIP", "LEAD_TIME", "LINKS", "OPERATIONS", "PRODUCT", "QA", "SECURITY", "SUPPORT_DRIVEN", "THEME_EXAMPLES",
    "THEME_GROWTH", "THEME_TAXONOMY", "THEME_TICKETS", "THEME_WEEKLY", "TICKETS", "Chart", "Dashboard", "Dataset",
    "Metric", "bar", "kpi", "line", "pie", "rows_table", "table",
]


@dataclass(frozen=True)
class Dashboard:
    """A dashboard: rows of charts and native filters.

    Attributes:
        title: Dashboard title.
        slug: URL slug (``/superset/dashboard/<slug>/``).
        rows: Charts, row by row.
        extra_filters: ``(label, column, dataset)`` select filters beyond date, channel, language, tier, source.
        filter_parents: ``(filter label, parent filter label)``: the filter offers only the values under
            the parent's choice (Superset's cascading filters), e.g. sub-themes of a top-level theme.
    """

    title: str
    slug: str
    rows: tuple[tuple[Chart, ...], ...]
    extra_filters: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)
    filter_parents: tuple[tuple[str, str], ...] = field(default_factory=tuple)


PRODUCT = Dashboard(
    title="Product insights",
    slug="product-insights",
    rows=(
        (bar("Top-level themes by tickets", THEME_TICKETS, "top_level_theme", ["tickets"], row_limit=30, width=6),
         rows_table("Top-level themes and their sub-themes", THEME_TAXONOMY,
                    ["top_level_theme", "top_level_tickets", "sub_theme", "tickets", "theme_status"], "reading_order",
                    ascending=True, row_limit=200, width=6)),
        (bar("Top themes by tickets", THEME_TICKETS, "theme_name", ["tickets"], row_limit=15, width=6),
         line("Weekly tickets, top 8 themes", THEME_TICKETS, ["tickets"], ["theme_name"], series_limit=8, width=6)),
        (table("Themes ranked by growth (last 4 weeks vs the 4 before)", THEME_GROWTH, ["theme_name", "theme_status"],
               ["growth", "last_4_weeks", "prior_4_weeks", "spike_weeks"], width=6),
         rows_table("Theme-weeks with the largest volume spikes", THEME_WEEKLY,
                    ["date_day", "theme_name", "tickets", "volume_z_score", "is_spike"],
                    "volume_z_score", formats={"volume_z_score": ".1f"}, width=6)),
        (table("Themes: volume, CSAT and first response", THEME_TICKETS, ["theme_name"],
               ["tickets", "csat_average", "median_first_response"], width=6),
         pie("Language mix", THEME_TICKETS, "language", "tickets", width=3),
         pie("Channel mix", THEME_TICKETS, "channel", "tickets", width=3)),
        (rows_table("Representative tickets (redacted)", THEME_EXAMPLES,
                    ["theme_name", "ticket", "language", "subject", "body_redacted"], "date_day", row_limit=50,
                    width=12),),
        (rows_table("Linked backlog items (accepted links) and their status", LINKS,
                    ["theme_name", "item", "item_summary", "item_type", "item_status", "link_type", "score"],
                    "score", row_limit=50, where_true="is_accepted", formats={"score": ".2f"}, width=8),
         pie("Accepted links by how they were found", LINKS, "link_type", "links", width=4, where_true="is_accepted")),
    ),
    extra_filters=(("Top-level theme", "top_level_theme", THEME_TICKETS.name),
                   ("Theme", "theme_name", THEME_TICKETS.name)),
    filter_parents=(("Theme", "Top-level theme"),),
)

OPERATIONS = Dashboard(
    title="Support operations",
    slug="support-operations",
    rows=(
        (kpi("Median first response (min)", TICKETS, "median_first_response"),
         kpi("SLA attainment", TICKETS, "sla_attainment"),
         kpi("CSAT (1-5)", TICKETS, "csat_average"),
         kpi("Bot containment", TICKETS, "bot_containment")),
        (line("First response median and p90 against the 10-minute SLA", TICKETS,
              ["median_first_response", "p90_first_response", "sla_target"], width=12),),
        (bar("SLA attainment by channel", TICKETS, "channel", ["sla_attainment"], y_format=".0%", width=4),
         bar("SLA attainment by tier", TICKETS, "tier", ["sla_attainment"], y_format=".0%", width=4),
         bar("SLA attainment by language", TICKETS, "language", ["sla_attainment"], y_format=".0%", width=4)),
        (line("Feedback coverage and CSAT response rate", TICKETS, ["feedback_coverage", "csat_response_rate"],
              grain="P1M", y_format=".0%", width=6),
         line("CSAT by month", TICKETS, ["csat_average"], grain="P1M", width=6)),
        (bar("QA scores by dimension", QA, "date_day", ["tone", "accuracy", "compliance", "resolution_effectiveness"],
             grain="P3M", width=6),
         table("Agent throughput", AGENTS, ["agent_name"], ["tickets_handled", "csat_average", "qa_overall"],
               width=6)),
        (line("Bot containment and escalation rate", TICKETS, ["bot_containment", "escalation_rate"], grain="P1M",
              y_format=".0%", width=6),
         bar("Bot handoffs and escalations by tier", ESCALATIONS, "date_day", ["hops"], ["tier"], grain="P1M",
             stack=True, width=6)),
        (line("Security interventions: median minutes to intervention against the target", SECURITY,
              ["median_minutes", "target_minutes"], grain="P1M", width=6),
         bar("Deposit recoveries by status", DEPOSITS, "date_day", ["cases"], ["recovery_status"], grain="P1M",
             stack=True, width=6)),
    ),
)

LEADERSHIP = Dashboard(
    title="Leadership",
    slug="leadership",
    rows=(
        (kpi("Support-driven share of shipped improvements", SUPPORT_DRIVEN, "support_driven_share"),
         kpi("Insight to shipped (median days)", LEAD_TIME, "median_insight_to_shipped"),
         kpi("Tickets resolved", TICKETS, "tickets"),
         kpi("SLA attainment", TICKETS, "sla_attainment")),
        (kpi("Median first response (min)", TICKETS, "median_first_response"),
         kpi("CSAT (1-5)", TICKETS, "csat_average"),
         kpi("Bot containment", TICKETS, "bot_containment"),
         kpi("QA pass rate", QA, "pass_rate")),
        (line("Support-driven share per quarter, with its interval from link uncertainty", SUPPORT_DRIVEN,
              ["support_driven_share", "share_lower", "share_upper"], grain="P3M", y_format=".0%", width=6),
         bar("Insight-to-ship lead time per quarter (median days)", LEAD_TIME, "date_day",
             ["median_insight_to_created", "median_created_to_shipped", "median_insight_to_shipped"], grain="P3M",
             width=6)),
        (bar("Weekly tickets of the theme before and after its fix shipped", IMPACT, "theme_name",
             ["weekly_before", "weekly_after"], row_limit=20, width=6),
         bar("Tickets per quarter by channel", TICKETS, "date_day", ["tickets"], ["channel"], grain="P3M", stack=True,
             width=6)),
        (rows_table("Impact of shipped fixes on ticket volume (largest drops first)", IMPACT,
                    ["date_day", "item", "item_summary", "theme_name", "weekly_tickets_before", "weekly_tickets_after",
                     "change_pct", "p_value", "is_significant_drop"], "change_pct", ascending=True,
                    formats={"change_pct": "+.0%", "p_value": ".3f", "weekly_tickets_before": ".1f",
                             "weekly_tickets_after": ".1f"}, width=12),),
        (line("Monthly tickets, top 5 top-level themes", THEME_TICKETS, ["tickets"], ["top_level_theme"], grain="P1M",
              series_limit=5, width=12),),
        (rows_table("Support-driven share per quarter: interval from link uncertainty and links reviewed by a person",
                    SUPPORT_DRIVEN, ["quarter_key", "shipped_items", "support_driven_items", "support_driven_share",
                                     "support_driven_share_lower", "support_driven_share_upper", "links_reviewed_text"],
                    "date_day", formats={"support_driven_share": ".1%", "support_driven_share_lower": ".1%",
                                         "support_driven_share_upper": ".1%"}, width=12),),
    ),
)

DASHBOARDS: tuple[Dashboard, ...] = (PRODUCT, OPERATIONS, LEADERSHIP)
