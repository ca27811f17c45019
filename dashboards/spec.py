"""What the three dashboards show: datasets (SQL over the marts), their metrics, charts and layout.

This is the compact source of the YAML bundle in ``dashboards/bundle/``; ``python -m dashboards.build``
regenerates the bundle from it. Every dataset exposes the same filter columns where the data has
them (``date_day``, ``channel``, ``language``, ``tier``) so one native filter applies across charts.
Chart types render as canvas/SVG through ECharts, except tables (HTML) and big numbers (text, with
an ECharts trend line when they compare quarters).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FILTER_COLUMNS = ("channel", "language", "tier")


@dataclass(frozen=True)
class Metric:
    """A saved metric of a dataset.

    Attributes:
        name: Metric name charts refer to.
        label: Human label.
        sql: Aggregate SQL expression.
        d3format: Number format, e.g. ``.1%``.
    """

    name: str
    label: str
    sql: str
    d3format: str | None = None


@dataclass(frozen=True)
class Dataset:
    """A virtual Superset dataset over the ``marts`` schema of the serving warehouse.

    Attributes:
        name: Dataset (table) name in Superset.
        description: What one row is.
        sql: The query; may only read ``marts.*``.
        metrics: Saved metrics.
        time_column: Main temporal column (``date_day``) or None.
    """

    name: str
    description: str
    sql: str
    metrics: tuple[Metric, ...]
    time_column: str | None = "date_day"


@dataclass(frozen=True)
class Chart:
    """One chart: a Superset ``viz_type`` with its form data.

    Attributes:
        title: Chart title.
        dataset: Name of the :class:`Dataset` it reads.
        viz_type: Superset visualization type.
        params: Form data specific to the chart (metrics, x axis, ...).
        width: Width in the 12-column grid.
        height: Height in grid units (8 px).
        where: Extra SQL condition on the dataset's rows, if any.
    """

    title: str
    dataset: str
    viz_type: str
    params: dict[str, Any]
    width: int = 6
    height: int = 50
    where: str | None = None


@dataclass(frozen=True)
class Dashboard:
    """A dashboard: rows of charts and native filters.

    Attributes:
        title: Dashboard title.
        slug: URL slug (``/superset/dashboard/<slug>/``).
        rows: Charts, row by row.
        extra_filters: ``(label, column, dataset)`` select filters beyond date, channel, language, tier.
    """

    title: str
    slug: str
    rows: tuple[tuple[Chart, ...], ...]
    extra_filters: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)


def _ratio(numerator: str, denominator: str) -> str:
    return (f"SUM(CASE WHEN {numerator} THEN 1 ELSE 0 END) * 1.0 "
            f"/ NULLIF(SUM(CASE WHEN {denominator} THEN 1 ELSE 0 END), 0)")


TICKETS = Dataset(
    name="cl_tickets",
    description="One row per resolved ticket (marts.fct_tickets); date_day is the day it was solved.",
    sql="""select ticket_id, solved_date as date_day, channel, language, final_tier as tier, priority,
       first_response_minutes, first_response_business_minutes, sla_status, is_first_response_breach,
       csat_score, feedback_requested, feedback_received, entered_bot, bot_resolved, handed_off_to_human,
       is_escalated, escalations, reopens, one_touch
from marts.fct_tickets""",
    metrics=(
        Metric("tickets", "Tickets", "COUNT(*)", ",d"),
        Metric("median_first_response", "Median first response (min)",
               "QUANTILE_CONT(first_response_minutes, 0.5)", ".1f"),
        Metric("p90_first_response", "p90 first response (min)", "QUANTILE_CONT(first_response_minutes, 0.9)", ".1f"),
        Metric("sla_target", "SLA target (10 min)", "MIN(10.0)", ".0f"),
        Metric("sla_attainment", "SLA attainment", _ratio("sla_status = 'met'", "sla_status IN ('met', 'breached')"),
               ".1%"),
        Metric("feedback_coverage", "Feedback coverage", _ratio("feedback_requested", "TRUE"), ".1%"),
        Metric("csat_response_rate", "CSAT response rate", _ratio("feedback_received", "feedback_requested"), ".1%"),
        Metric("csat_average", "CSAT (1-5)", "AVG(csat_score)", ".2f"),
        Metric("bot_containment", "Bot containment", _ratio("bot_resolved", "TRUE"), ".1%"),
        Metric("bot_handoffs", "Bot handoffs to humans", "SUM(CASE WHEN handed_off_to_human THEN 1 ELSE 0 END)", ",d"),
        Metric("escalation_rate", "Escalation rate", _ratio("is_escalated", "TRUE"), ".1%"),
    ),
)

THEME_TICKETS = Dataset(
    name="cl_theme_tickets",
    description="One row per resolved ticket with its theme (fct_ticket_themes x fct_tickets x dim_themes).",
    sql="""select tt.ticket_id, tt.theme_id, th.theme_name, th.status as theme_status, t.solved_date as date_day,
       t.channel, t.language, t.final_tier as tier, t.csat_score, t.first_response_minutes
from marts.fct_ticket_themes as tt
join marts.fct_tickets as t on t.ticket_id = tt.ticket_id
join marts.dim_themes as th on th.theme_id = tt.theme_id""",
    metrics=(
        Metric("tickets", "Tickets", "COUNT(*)", ",d"),
        Metric("csat_average", "CSAT (1-5)", "AVG(csat_score)", ".2f"),
        Metric("median_first_response", "Median first response (min)",
               "QUANTILE_CONT(first_response_minutes, 0.5)", ".1f"),
    ),
)

THEME_GROWTH = Dataset(
    name="cl_theme_growth",
    description="One row per theme: tickets in the last 4 weeks against the 4 weeks before, and spikes.",
    sql="""with bounds as (select max(week_start_date) as last_week from marts.fct_theme_weekly),
weekly as (
    select w.theme_id,
           cast(sum(case when w.week_start_date > b.last_week - interval 28 day then w.tickets else 0 end) as bigint)
               as last_4_weeks,
           cast(sum(case when w.week_start_date <= b.last_week - interval 28 day
                     and w.week_start_date > b.last_week - interval 56 day then w.tickets else 0 end) as bigint)
               as prior_4_weeks,
           cast(sum(case when w.is_spike then 1 else 0 end) as bigint) as spike_weeks
    from marts.fct_theme_weekly as w cross join bounds as b
    group by w.theme_id
)
select th.theme_name, th.status as theme_status, th.ticket_count, weekly.last_4_weeks, weekly.prior_4_weeks,
       (weekly.last_4_weeks - weekly.prior_4_weeks) * 1.0 / nullif(weekly.prior_4_weeks, 0) as growth,
       weekly.spike_weeks, th.csat_impact, th.first_response_impact_minutes, th.keywords
from marts.dim_themes as th join weekly on weekly.theme_id = th.theme_id""",
    metrics=(
        Metric("tickets", "Tickets", "SUM(ticket_count)", ",d"),
        Metric("last_4_weeks", "Last 4 weeks", "SUM(last_4_weeks)", ",d"),
        Metric("prior_4_weeks", "Prior 4 weeks", "SUM(prior_4_weeks)", ",d"),
        Metric("growth", "Growth", "(SUM(last_4_weeks) - SUM(prior_4_weeks)) * 1.0 / NULLIF(SUM(prior_4_weeks), 0)",
               "+.0%"),
        Metric("spike_weeks", "Spike weeks", "SUM(spike_weeks)", ",d"),
    ),
    time_column=None,
)

THEME_WEEKLY = Dataset(
    name="cl_theme_weekly",
    description="One row per theme and week (marts.fct_theme_weekly); date_day is the week's Monday.",
    sql="""select w.week_start_date as date_day, w.theme_id, th.theme_name, th.status as theme_status, w.tickets,
       w.share_of_tickets, w.volume_z_score, w.is_spike
from marts.fct_theme_weekly as w join marts.dim_themes as th on th.theme_id = w.theme_id""",
    metrics=(
        Metric("tickets", "Tickets", "SUM(tickets)", ",d"),
        Metric("max_z_score", "Volume z-score", "MAX(volume_z_score)", ".1f"),
    ),
)

THEME_EXAMPLES = Dataset(
    name="cl_theme_examples",
    description="One row per representative ticket of a theme, with its redacted subject and body.",
    sql="""select th.theme_name, ex.ticket_id, t.solved_date as date_day, t.channel, t.language,
       t.final_tier as tier, t.subject, left(t.body, 240) as body_redacted
from marts.dim_themes as th,
     unnest(cast(json(th.representative_ticket_ids) as varchar[])) as ex(ticket_id)
join marts.fct_tickets as t on t.ticket_id = ex.ticket_id""",
    metrics=(Metric("tickets", "Tickets", "COUNT(*)", ",d"),),
)

QA = Dataset(
    name="cl_qa_audits",
    description="One row per QA audit (marts.fct_qa_audits); date_day is the review day.",
    sql="""select audit_id, reviewed_date as date_day, channel, language, final_tier as tier, tone_score,
       accuracy_score, compliance_score, resolution_effectiveness_score, overall_score, is_passed
from marts.fct_qa_audits""",
    metrics=(
        Metric("tone", "Tone", "AVG(tone_score)", ".2f"),
        Metric("accuracy", "Accuracy", "AVG(accuracy_score)", ".2f"),
        Metric("compliance", "Compliance", "AVG(compliance_score)", ".2f"),
        Metric("resolution_effectiveness", "Resolution effectiveness", "AVG(resolution_effectiveness_score)", ".2f"),
        Metric("pass_rate", "QA pass rate", _ratio("is_passed", "TRUE"), ".1%"),
    ),
)

AGENTS = Dataset(
    name="cl_agent_daily",
    description="One row per human agent and day (marts.fct_agent_daily x dim_agents).",
    sql="""select a.date_day, d.agent_name, d.default_tier as tier, a.tickets_handled, a.one_touch_tickets,
       a.csat_responses, a.csat_score_sum, a.qa_overall_score
from marts.fct_agent_daily as a join marts.dim_agents as d on d.agent_id = a.agent_id
where not d.is_bot""",
    metrics=(
        Metric("tickets_handled", "Tickets handled", "SUM(tickets_handled)", ",d"),
        Metric("qa_overall", "QA score (0-100)", "AVG(qa_overall_score)", ".1f"),
        Metric("csat_average", "CSAT (1-5)", "SUM(csat_score_sum) * 1.0 / NULLIF(SUM(csat_responses), 0)", ".2f"),
    ),
)

ESCALATIONS = Dataset(
    name="cl_escalations",
    description="One row per tier hop (marts.fct_escalations); date_day is the day of the hop.",
    sql="""select escalation_id, hopped_date as date_day, channel, language, to_tier as tier, hop_type, from_tier,
       minutes_in_from_tier
from marts.fct_escalations""",
    metrics=(Metric("hops", "Hops", "COUNT(*)", ",d"),),
)

SECURITY = Dataset(
    name="cl_security_interventions",
    description="One row per security intervention (marts.fct_security_interventions); date_day is the flag day.",
    sql="""select ticket_id, flagged_date as date_day, channel, language, final_tier as tier, outcome,
       minutes_to_intervention, target_minutes, is_within_target
from marts.fct_security_interventions""",
    metrics=(
        Metric("interventions", "Interventions", "COUNT(*)", ",d"),
        Metric("median_minutes", "Median minutes to intervention", "QUANTILE_CONT(minutes_to_intervention, 0.5)",
               ".0f"),
        Metric("within_target", "Within target", _ratio("is_within_target", "TRUE"), ".1%"),
        Metric("target_minutes", "Target (min)", "AVG(target_minutes)", ".0f"),
    ),
)

DEPOSITS = Dataset(
    name="cl_deposit_recoveries",
    description="One row per deposit recovery case (marts.fct_deposit_recoveries); date_day is the report day.",
    sql="""select ticket_id, reported_date as date_day, channel, language, asset, amount, recovery_method,
       recovery_status, days_to_recover
from marts.fct_deposit_recoveries""",
    metrics=(
        Metric("cases", "Cases", "COUNT(*)", ",d"),
        Metric("median_days", "Median days to recover", "QUANTILE_CONT(days_to_recover, 0.5)", ".1f"),
    ),
)

LINKS = Dataset(
    name="cl_theme_backlog_links",
    description="One row per theme x backlog item link (marts.fct_theme_backlog_links); date_day: item created.",
    sql="""select cast(item_created_at as date) as date_day, theme_id, theme_name, item_id, item_summary, item_type,
       item_status, cast(item_shipped_at as date) as shipped_date, link_type, score, evidence, is_confirmed,
       is_accepted
from marts.fct_theme_backlog_links""",
    metrics=(
        Metric("links", "Links", "COUNT(*)", ",d"),
        Metric("items", "Backlog items", "COUNT(DISTINCT item_id)", ",d"),
    ),
)

SUPPORT_DRIVEN = Dataset(
    name="cl_support_driven_share",
    description="One row per quarter of shipping (marts.fct_support_driven_share); date_day: quarter start.",
    sql="""select quarter_start_date as date_day, quarter_key, shipped_items, support_driven_items,
       support_driven_share, support_driven_share_lower, support_driven_share_upper
from marts.fct_support_driven_share""",
    metrics=(
        Metric("support_driven_share", "Support-driven share", "SUM(support_driven_items) * 1.0 / "
               "NULLIF(SUM(shipped_items), 0)", ".0%"),
        Metric("share_lower", "Lower bound", "MIN(support_driven_share_lower)", ".0%"),
        Metric("share_upper", "Upper bound", "MAX(support_driven_share_upper)", ".0%"),
        Metric("shipped_items", "Shipped items", "SUM(shipped_items)", ",d"),
        Metric("support_driven_items", "Support-driven items", "SUM(support_driven_items)", ",d"),
    ),
)

LEAD_TIME = Dataset(
    name="cl_insight_lead_time",
    description="One row per shipped support-driven item (marts.fct_insight_lead_time); date_day: shipped.",
    sql="""select cast(item_shipped_at as date) as date_day, item_id, theme_id, quarter_key, days_insight_to_created,
       days_created_to_shipped, days_insight_to_shipped
from marts.fct_insight_lead_time""",
    metrics=(
        Metric("median_insight_to_shipped", "Insight to shipped (median days)",
               "QUANTILE_CONT(days_insight_to_shipped, 0.5)", ".0f"),
        Metric("median_insight_to_created", "Insight to backlog item (median days)",
               "QUANTILE_CONT(days_insight_to_created, 0.5)", ".0f"),
        Metric("median_created_to_shipped", "Backlog item to shipped (median days)",
               "QUANTILE_CONT(days_created_to_shipped, 0.5)", ".0f"),
    ),
)

IMPACT = Dataset(
    name="cl_improvement_impact",
    description="One row per shipped item with its theme's weekly tickets before and after "
                "(marts.fct_improvement_impact); date_day: shipped.",
    sql="""select cast(shipped_at as date) as date_day, item_id, item_summary, theme_name, is_support_driven,
       weekly_tickets_before, weekly_tickets_after, change_pct, p_value, is_significant_drop
from marts.fct_improvement_impact""",
    metrics=(
        Metric("weekly_before", "Weekly tickets before", "AVG(weekly_tickets_before)", ".1f"),
        Metric("weekly_after", "Weekly tickets after", "AVG(weekly_tickets_after)", ".1f"),
        Metric("significant_drops", "Significant drops", "SUM(CASE WHEN is_significant_drop THEN 1 ELSE 0 END)",
               ",d"),
    ),
)

DATASETS: tuple[Dataset, ...] = (TICKETS, THEME_TICKETS, THEME_GROWTH, THEME_WEEKLY, THEME_EXAMPLES, QA, AGENTS,
                                 ESCALATIONS, SECURITY, DEPOSITS, LINKS, SUPPORT_DRIVEN, LEAD_TIME, IMPACT)


def line(title: str, dataset: Dataset, metrics: list[str], groupby: list[str] | None = None, grain: str = "P1W",
         series_limit: int = 0, y_format: str = "SMART_NUMBER", **kwargs: Any) -> Chart:
    """An ECharts time-series line over ``date_day``."""
    return Chart(title, dataset.name, "echarts_timeseries_line",
                 {"x_axis": "date_day", "time_grain_sqla": grain, "metrics": metrics, "groupby": groupby or [],
                  "series_limit": series_limit, "series_limit_metric": metrics[0] if series_limit else None,
                  "order_desc": True, "show_legend": True, "rich_tooltip": True, "markerEnabled": False,
                  "x_axis_time_format": "smart_date", "y_axis_format": y_format, "truncateYAxis": False},
                 **kwargs)


def bar(title: str, dataset: Dataset, x_axis: str, metrics: list[str], groupby: list[str] | None = None,
        grain: str | None = None, row_limit: int | None = None, stack: bool = False, y_format: str = "SMART_NUMBER",
        **kwargs: Any) -> Chart:
    """An ECharts bar chart over a category (top 50 by the first metric), or over time with ``grain`` (all rows)."""
    limit = row_limit or (10_000 if grain else 50)
    params: dict[str, Any] = {"x_axis": x_axis, "metrics": metrics, "groupby": groupby or [], "row_limit": limit,
                              "show_legend": True, "rich_tooltip": True, "stack": "Stack" if stack else None,
                              "y_axis_format": y_format, "truncateYAxis": False, "show_value": False}
    if grain:
        params |= {"time_grain_sqla": grain, "x_axis_time_format": "smart_date"}
    else:
        params |= {"x_axis_sort": metrics[0], "x_axis_sort_asc": False}
    return Chart(title, dataset.name, "echarts_timeseries_bar", params, **kwargs)


def pie(title: str, dataset: Dataset, groupby: str, metric: str, **kwargs: Any) -> Chart:
    """An ECharts pie (donut) of one metric by one category."""
    return Chart(title, dataset.name, "pie",
                 {"groupby": [groupby], "metric": metric, "row_limit": 15, "donut": True, "show_legend": True,
                  "label_type": "key_percent", "sort_by_metric": True}, **kwargs)


def kpi(title: str, dataset: Dataset, metric: str, grain: str = "P3M", **kwargs: Any) -> Chart:
    """A big number with its trend line, compared with the previous period (quarter by default)."""
    return Chart(title, dataset.name, "big_number",
                 {"x_axis": "date_day", "time_grain_sqla": grain, "metric": metric, "compare_lag": 1,
                  "compare_suffix": "vs previous quarter", "show_trend_line": True, "start_y_axis_at_zero": True,
                  "show_timestamp": True},
                 **({"width": 3, "height": 40} | kwargs))


def table(title: str, dataset: Dataset, groupby: list[str], metrics: list[str], row_limit: int = 25,
          **kwargs: Any) -> Chart:
    """An aggregated table sorted by the first metric (descending)."""
    return Chart(title, dataset.name, "table",
                 {"query_mode": "aggregate", "groupby": groupby, "metrics": metrics, "all_columns": [],
                  "timeseries_limit_metric": metrics[0], "order_desc": True, "row_limit": row_limit,
                  "server_pagination": False, "include_search": False, "table_timestamp_format": "%Y-%m-%d"},
                 **kwargs)


def rows_table(title: str, dataset: Dataset, columns: list[str], order_by: str, row_limit: int = 25,
               ascending: bool = False, formats: dict[str, str] | None = None, **kwargs: Any) -> Chart:
    """A table of raw rows, ordered by ``order_by`` (descending unless ``ascending``); ``formats``: d3 per column."""
    return Chart(title, dataset.name, "table",
                 {"query_mode": "raw", "groupby": [], "metrics": [], "all_columns": columns,
                  "column_config": {c: {"d3NumberFormat": f} for c, f in (formats or {}).items()},
                  "order_by_cols": [f'["{order_by}", {str(ascending).lower()}]'], "row_limit": row_limit,
                  "server_pagination": False,
                  "include_search": False, "table_timestamp_format": "%Y-%m-%d"},
                 **kwargs)


PRODUCT = Dashboard(
    title="Product insights",
    slug="product-insights",
    rows=(
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
                    ["theme_name", "ticket_id", "language", "subject", "body_redacted"], "date_day", row_limit=50,
                    width=12),),
        (rows_table("Linked backlog items (accepted links) and their status", LINKS,
                    ["theme_name", "item_id", "item_summary", "item_type", "item_status", "link_type", "score"],
                    "score", row_limit=50, where="is_accepted", formats={"score": ".2f"}, width=8),
         pie("Accepted links by how they were found", LINKS, "link_type", "links", width=4, where="is_accepted")),
    ),
    extra_filters=(("Theme", "theme_name", THEME_TICKETS.name),),
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
        (line("Support-driven share per quarter, with its bounds", SUPPORT_DRIVEN,
              ["support_driven_share", "share_lower", "share_upper"], grain="P3M", y_format=".0%", width=6),
         bar("Insight-to-ship lead time per quarter (median days)", LEAD_TIME, "date_day",
             ["median_insight_to_created", "median_created_to_shipped", "median_insight_to_shipped"], grain="P3M",
             width=6)),
        (bar("Weekly tickets of the theme before and after its fix shipped", IMPACT, "theme_name",
             ["weekly_before", "weekly_after"], row_limit=20, width=6),
         bar("Tickets per quarter by channel", TICKETS, "date_day", ["tickets"], ["channel"], grain="P3M", stack=True,
             width=6)),
        (rows_table("Impact of shipped fixes on ticket volume (largest drops first)", IMPACT,
                    ["date_day", "item_summary", "theme_name", "weekly_tickets_before", "weekly_tickets_after",
                     "change_pct", "p_value", "is_significant_drop"], "change_pct", ascending=True,
                    formats={"change_pct": "+.0%", "p_value": ".3f", "weekly_tickets_before": ".1f",
                             "weekly_tickets_after": ".1f"}, width=12),),
        (line("Monthly tickets, top 5 themes", THEME_TICKETS, ["tickets"], ["theme_name"], grain="P1M", series_limit=5,
              width=12),),
    ),
)

DASHBOARDS: tuple[Dashboard, ...] = (PRODUCT, OPERATIONS, LEADERSHIP)
