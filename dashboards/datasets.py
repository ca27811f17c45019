"""The datasets the dashboards read: virtual Superset datasets (SQL over the marts) and their saved metrics.

Every dataset exposes the same filter columns where the data has them (``date_day``, ``channel``,
``language``, ``tier``, ``source_name``) so one native filter applies across charts. :data:`DATASETS` lists them in
the order the bundle writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

FILTER_COLUMNS = ("channel", "language", "tier", "source_name")
FILTER_LABELS = {"source_name": "Source"}
"""Labels of the filters whose column name does not read as one (the others are the column, capitalized)."""


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
    """A virtual Superset dataset over the ``marts`` schema (the serving DuckDB copy, or PostgreSQL's marts).

    Attributes:
        name: Dataset (table) name in Superset.
        description: What one row is.
        sql: The query; may only read ``marts.*``.
        metrics: Saved metrics.
        time_column: Main temporal column (``date_day``) or None.
        postgres_sql: The query on PostgreSQL, for the few datasets whose SQL cannot be the same on
            both engines (reading a JSON array); None: ``sql`` runs on both.
    """

    name: str
    description: str
    sql: str
    metrics: tuple[Metric, ...]
    time_column: str | None = "date_day"
    postgres_sql: str | None = None

    def sql_for(self, engine: str) -> str:
        """The query for Superset's database engine (``duckdb`` or ``postgresql``)."""
        return self.postgres_sql if engine == "postgresql" and self.postgres_sql else self.sql


def _escaped(sql: str) -> str:
    return ("replace(replace(replace(replace(cast(" + sql + " as varchar), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), "
            "'\"', '&quot;')")


def html_link(url: str, text: str) -> str:
    """SQL for an HTML link to ``url`` showing ``text`` (both SQL expressions, escaped); the text alone without url.

    Table charts render it as a link (``allow_render_html``): the drill-through from a row to the
    ticket in the help desk or the item in the tracker (the marts' ``ticket_url`` / ``item_url``).
    """
    return (f"case when {url} is null then {_escaped(text)} else '<a href=\"' || {_escaped(url)} || "
            f"'\" target=\"_blank\" rel=\"noopener noreferrer\">' || {_escaped(text)} || '</a>' end")


def _percentile(column: str, fraction: float) -> str:
    """The interpolated percentile as SQL's ordered-set aggregate, which DuckDB and PostgreSQL both read."""
    return f"PERCENTILE_CONT({fraction}) WITHIN GROUP (ORDER BY {column})"


def _ratio(numerator: str, denominator: str) -> str:
    return (f"SUM(CASE WHEN {numerator} THEN 1 ELSE 0 END) * 1.0 "
            f"/ NULLIF(SUM(CASE WHEN {denominator} THEN 1 ELSE 0 END), 0)")


TICKETS = Dataset(
    name="cl_tickets",
    description="One row per resolved ticket (marts.fct_tickets); date_day is the day it was solved.",
    sql="""select ticket_id, solved_date as date_day, channel, language, final_tier as tier, source_name, priority,
       first_response_minutes, first_response_business_minutes, sla_status, is_first_response_breach,
       csat_score, feedback_requested, feedback_received, entered_bot, bot_resolved, handed_off_to_human,
       is_escalated, escalations, reopens, one_touch
from marts.fct_tickets""",
    metrics=(
        Metric("tickets", "Tickets", "COUNT(*)", ",d"),
        Metric("median_first_response", "Median first response (min)",
               _percentile("first_response_minutes", 0.5), ".1f"),
        Metric("p90_first_response", "p90 first response (min)", _percentile("first_response_minutes", 0.9), ".1f"),
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
    description="One row per resolved ticket with its theme and top-level theme (fct_ticket_themes x fct_tickets x "
                "dim_themes).",
    sql="""select tt.ticket_id, tt.theme_id, th.theme_name, th.parent_theme_name as top_level_theme,
       th.status as theme_status, t.solved_date as date_day,
       t.channel, t.language, t.final_tier as tier, t.source_name, t.csat_score, t.first_response_minutes
from marts.fct_ticket_themes as tt
join marts.fct_tickets as t on t.ticket_id = tt.ticket_id
join marts.dim_themes as th on th.theme_id = tt.theme_id""",
    metrics=(
        Metric("tickets", "Tickets", "COUNT(*)", ",d"),
        Metric("csat_average", "CSAT (1-5)", "AVG(csat_score)", ".2f"),
        Metric("median_first_response", "Median first response (min)",
               _percentile("first_response_minutes", 0.5), ".1f"),
    ),
)

THEME_TAXONOMY = Dataset(
    name="cl_theme_taxonomy",
    description="One row per theme under its top-level theme (dim_themes x dim_theme_groups), in reading order: "
                "top-level themes by tickets, then their sub-themes by tickets.",
    sql="""select g.group_name as top_level_theme, g.ticket_count as top_level_tickets, g.status as top_level_status,
       th.theme_name as sub_theme, th.ticket_count as tickets, th.status as theme_status,
       dense_rank() over (order by g.ticket_count desc, g.theme_group_id) * 1000
           + row_number() over (partition by g.theme_group_id order by th.ticket_count desc, th.theme_id)
           as reading_order
from marts.dim_theme_groups as g
join marts.dim_themes as th on th.parent_theme_id = g.theme_group_id""",
    metrics=(Metric("tickets", "Tickets", "SUM(tickets)", ",d"),),
    time_column=None,
)

THEME_GROWTH = Dataset(
    name="cl_theme_growth",
    description="One row per theme: tickets in the last 4 weeks against the 4 weeks before, and spikes.",
    sql="""with bounds as (select max(week_start_date) as last_week from marts.fct_theme_weekly),
weekly as (
    select w.theme_id,
           cast(sum(case when w.week_start_date > b.last_week - interval '28 days' then w.tickets else 0 end) as bigint)
               as last_4_weeks,
           cast(sum(case when w.week_start_date <= b.last_week - interval '28 days'
                     and w.week_start_date > b.last_week - interval '56 days' then w.tickets else 0 end) as bigint)
               as prior_4_weeks,
           cast(sum(case when w.is_spike then 1 else 0 end) as bigint) as spike_weeks
    from marts.fct_theme_weekly as w cross join bounds as b
    group by w.theme_id
)
select th.theme_name, th.parent_theme_name as top_level_theme, th.status as theme_status, th.ticket_count,
       weekly.last_4_weeks, weekly.prior_4_weeks,
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
    sql="""select w.week_start_date as date_day, w.theme_id, th.theme_name, th.parent_theme_name as top_level_theme,
       th.status as theme_status, w.tickets,
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
    sql=f"""select th.theme_name, th.parent_theme_name as top_level_theme, ex.ticket_id, t.solved_date as date_day,
       t.channel, t.language,
       t.final_tier as tier, t.source_name, t.subject, left(t.body, 240) as body_redacted, t.ticket_url,
       {html_link("t.ticket_url", "ex.ticket_id")} as ticket
from marts.dim_themes as th,
     unnest(cast(json(th.representative_ticket_ids) as varchar[])) as ex(ticket_id)
join marts.fct_tickets as t on t.ticket_id = ex.ticket_id""",
    metrics=(Metric("tickets", "Tickets", "COUNT(*)", ",d"),),
    postgres_sql=f"""select th.theme_name, th.parent_theme_name as top_level_theme, ex.ticket_id,
       t.solved_date as date_day, t.channel, t.language,
       t.final_tier as tier, t.source_name, t.subject, left(t.body, 240) as body_redacted, t.ticket_url,
       {html_link("t.ticket_url", "ex.ticket_id")} as ticket
from marts.dim_themes as th
cross join lateral jsonb_array_elements_text(cast(th.representative_ticket_ids as jsonb)) as ex(ticket_id)
join marts.fct_tickets as t on t.ticket_id = ex.ticket_id""",
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
        Metric("median_minutes", "Median minutes to intervention", _percentile("minutes_to_intervention", 0.5),
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
        Metric("median_days", "Median days to recover", _percentile("days_to_recover", 0.5), ".1f"),
    ),
)

LINKS = Dataset(
    name="cl_theme_backlog_links",
    description="One row per theme x backlog item link (marts.fct_theme_backlog_links); date_day: item created.",
    sql=f"""select cast(item_created_at as date) as date_day, theme_id, theme_name, item_id, item_summary, item_type,
       item_status, cast(item_shipped_at as date) as shipped_date, link_type, score, evidence, is_confirmed,
       is_accepted, item_url, {html_link("item_url", "item_id")} as item
from marts.fct_theme_backlog_links""",
    metrics=(
        Metric("links", "Links", "COUNT(*)", ",d"),
        Metric("items", "Backlog items", "COUNT(DISTINCT item_id)", ",d"),
    ),
)

SUPPORT_DRIVEN = Dataset(
    name="cl_support_driven_share",
    description=("One row per quarter of shipping (marts.fct_support_driven_share_interval): the share, its "
                 "interval from link uncertainty and the links a person reviewed; date_day: quarter start."),
    sql="""select quarter_start_date as date_day, quarter_key, shipped_items, support_driven_items,
       share as support_driven_share, share_low as support_driven_share_lower,
       share_high as support_driven_share_upper, expected_share, interval_level, links, links_reviewed,
       cast(links_reviewed as varchar) || ' of ' || cast(links as varchar) || ' links reviewed by a person'
           as links_reviewed_text
from marts.fct_support_driven_share_interval""",
    metrics=(
        Metric("support_driven_share", "Support-driven share", "SUM(support_driven_items) * 1.0 / "
               "NULLIF(SUM(shipped_items), 0)", ".0%"),
        Metric("share_lower", "Lower bound", "MIN(support_driven_share_lower)", ".0%"),
        Metric("share_upper", "Upper bound", "MAX(support_driven_share_upper)", ".0%"),
        Metric("shipped_items", "Shipped items", "SUM(shipped_items)", ",d"),
        Metric("support_driven_items", "Support-driven items", "SUM(support_driven_items)", ",d"),
        Metric("links", "Links", "SUM(links)", ",d"),
        Metric("links_reviewed", "Links reviewed by a person", "SUM(links_reviewed)", ",d"),
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
               _percentile("days_insight_to_shipped", 0.5), ".0f"),
        Metric("median_insight_to_created", "Insight to backlog item (median days)",
               _percentile("days_insight_to_created", 0.5), ".0f"),
        Metric("median_created_to_shipped", "Backlog item to shipped (median days)",
               _percentile("days_created_to_shipped", 0.5), ".0f"),
    ),
)

IMPACT = Dataset(
    name="cl_improvement_impact",
    description="One row per shipped item with its theme's weekly tickets before and after "
                "(marts.fct_improvement_impact); date_day: shipped.",
    sql=f"""select cast(shipped_at as date) as date_day, item_id, item_summary, theme_name, is_support_driven,
       weekly_tickets_before, weekly_tickets_after, change_pct, p_value, is_significant_drop, item_url,
       {html_link("item_url", "item_id")} as item
from marts.fct_improvement_impact""",
    metrics=(
        Metric("weekly_before", "Weekly tickets before", "AVG(weekly_tickets_before)", ".1f"),
        Metric("weekly_after", "Weekly tickets after", "AVG(weekly_tickets_after)", ".1f"),
        Metric("significant_drops", "Significant drops", "SUM(CASE WHEN is_significant_drop THEN 1 ELSE 0 END)",
               ",d"),
    ),
)

DATASETS: tuple[Dataset, ...] = (TICKETS, THEME_TICKETS, THEME_TAXONOMY, THEME_GROWTH, THEME_WEEKLY, THEME_EXAMPLES,
                                 QA, AGENTS, ESCALATIONS, SECURITY, DEPOSITS, LINKS, SUPPORT_DRIVEN, LEAD_TIME, IMPACT)
