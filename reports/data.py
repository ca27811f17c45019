"""Everything the quarterly report shows, read from the ``marts`` schema only (read-only).

Each number carries the mart and column it came from (:class:`~reports.records.Source`), so the
report's data appendix can name the origin of every figure and every sentence of the summary. The
records themselves live in :mod:`reports.records`; this module opens the warehouse and fills them in.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from closedloop.core.errors import ClosedloopError
from reports.coverage import Coverage, read_coverage, read_source_split
from reports.quarters import Quarter
from reports.records import (
    FirstResponse,
    ImprovementItem,
    Kpi,
    ReportData,
    Security,
    Source,
    SupportDriven,
    ThemeChange,
)
from reports.taxonomy import theme_groups

LOOP_MARTS = ("fct_support_driven_share", "fct_improvement_impact", "fct_insight_lead_time",
              "fct_theme_backlog_links")
"""The marts of the loop from themes to shipped improvements; the report says when they are missing."""
TOP_THEMES = 5
EXAMPLE_CHARS = 220
CJK = ("zh", "ja", "ko")


class NoDataError(ClosedloopError):
    """The warehouse has nothing to report for the quarter (or no marts at all)."""


class WarehouseBusyError(ClosedloopError):
    """Another process holds the warehouse's write lock (a pipeline run): try again later."""


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only, with a clear message when it is missing or locked."""
    if not warehouse.exists():
        raise NoDataError(f"no warehouse at {warehouse}: run `closedloop run` first")
    try:
        return duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        message = f"cannot open {warehouse} read-only: {str(exc).splitlines()[0]}"
        if "lock" in str(exc).lower():
            raise WarehouseBusyError(message + " (a pipeline run is writing it; try again when it ends)") from exc
        raise ClosedloopError(message) from exc


def mart_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the tables and views in the ``marts`` schema."""
    rows = con.execute("select table_name from information_schema.tables where table_schema = 'marts'").fetchall()
    return {r[0] for r in rows}


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def quarters_with_data(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Quarter keys with resolved tickets in ``marts.fct_support_quarterly``."""
    rows = con.execute("select quarter_key from marts.fct_support_quarterly where tickets_resolved > 0 "
                       "order by quarter_start_date").fetchall()
    return [r[0] for r in rows]


def has_data(warehouse: Path, quarter: Quarter) -> bool:
    """Whether the warehouse has resolved tickets in ``quarter`` (False without a warehouse).

    Raises:
        WarehouseBusyError: A pipeline run holds the warehouse's lock, so the answer is unknown.
    """
    try:
        with connect(warehouse) as con:
            return "fct_support_quarterly" in mart_tables(con) and quarter.key in quarters_with_data(con)
    except NoDataError:
        return False


def load_report_data(warehouse: Path, quarter: Quarter) -> ReportData:
    """Read one quarter's figures from the marts.

    Raises:
        NoDataError: No warehouse, no marts, or no resolved tickets in the quarter.
    """
    with connect(warehouse) as con:
        tables = mart_tables(con)
        if "fct_support_quarterly" not in tables:
            raise NoDataError(f"{warehouse} has no marts.fct_support_quarterly: run `closedloop run` first")
        available = quarters_with_data(con)
        if quarter.key not in available:
            span = f"{available[0]} to {available[-1]}" if available else "none"
            raise NoDataError(f"no resolved tickets in {quarter.key} (marts.fct_support_quarterly); "
                              f"quarters with data: {span}")
        sources: list[Source] = []

        def cite(what: str, mart: str, columns: str, rows: str) -> int:
            sources.append(Source(len(sources) + 1, what, f"marts.{mart}", columns, rows))
            return len(sources)

        history = _rows(con, "select * from marts.fct_support_quarterly order by quarter_start_date")
        by_key = {r["quarter_key"]: r for r in history}
        qa = {r["quarter_key"]: r for r in _qa_by_quarter(con, quarter)}
        kpis = _kpis(quarter, by_key, qa, cite)
        sla_minutes = _sla_minutes(con, quarter)
        cite(f"First-response SLA target ({sla_minutes} minutes)", "fct_tickets", "sla_target_minutes",
             f"most common target of tickets solved in {quarter.key} (solved_date)")
        first_response, coverage = _responses_and_coverage(con, quarter, tables, cite)
        comparable = coverage.comparable(quarter, quarter.previous)
        rising, declining, top = _theme_changes(con, quarter, comparable)
        cite("Theme ticket counts, this quarter and last", "fct_theme_weekly", "tickets",
             f"sum by theme_id over weeks whose week_start_date is in {quarter.key} or {quarter.previous.key}")
        cite("Theme names and example tickets", "dim_themes, marts.fct_tickets",
             "theme_name, status, representative_ticket_ids; subject, body (redacted)",
             "the themes listed; first representative ticket, English preferred")
        groups = theme_groups(con, quarter)
        if groups:
            cite("Top-level themes and their sub-themes", "fct_theme_group_weekly, marts.dim_theme_groups",
                 "tickets; group_name; sub-themes: fct_theme_weekly.tickets, dim_themes.parent_theme_id",
                 f"sum by group and by theme over weeks whose week_start_date is in {quarter.key} or "
                 f"{quarter.previous.key}")
        security = _security(con, quarter)
        cite("Security interventions", "fct_security_interventions",
             "count(*), is_within_target, minutes_to_intervention, target_minutes, outcome",
             f"flagged_date in {quarter.key} ({quarter.previous.key} for the comparison)")
        cite("Deposit recoveries", "fct_deposit_recoveries",
             "count(*), recovery_status, days_to_recover, asset, amount", f"reported_date in {quarter.key}")
        support_driven = _support_driven(con, quarter, tables, cite)
        by_source = read_source_split(con, quarter, tables)
        if by_source:
            cite("Figures per source", "fct_tickets, marts.fct_ticket_themes, marts.dim_themes",
                 "source_name, count(*), avg(csat_score); theme_name", f"solved_date in {quarter.key}")
        return ReportData(quarter=quarter, warehouse=warehouse, generated_at=datetime.now().replace(microsecond=0),
                          sla_minutes=sla_minutes, kpis=kpis, history=history,
                          qa_audits=int((qa.get(quarter.key) or {}).get("audits") or 0), rising=rising,
                          declining=declining, security=security, support_driven=support_driven,
                          sources=sources, coverage=coverage, first_response=first_response, top_themes=top,
                          by_source=by_source, theme_groups=groups)


RESOLVED = ("tickets.status", "tickets.solved_at")
REPLIES = ("tickets.created_at", "ticket_events.created_at", "ticket_events.is_public", "ticket_events.author_id")
SLA = (*REPLIES, "tickets.priority", "tickets.group_id", "tickets.channel")
RATINGS = ("satisfaction_ratings.score", "satisfaction_ratings.ticket_id", "tickets.rating")
KPI_COLUMNS = (  # name, column of fct_support_quarterly, kind, better, raw inputs
    ("Tickets resolved", "tickets_resolved", "count", "higher", RESOLVED),
    ("Median first response", "median_first_response_minutes", "minutes", "lower", REPLIES),
    ("P90 first response", "p90_first_response_minutes", "minutes", "lower", REPLIES),
    ("Tickets with a human first response", "first_responses", "count", "higher", REPLIES),
    ("SLA attainment", "sla_attainment_rate", "rate", "higher", SLA),
    ("Tickets with an SLA outcome", "sla_applicable_tickets", "count", "higher", SLA),
    ("Feedback coverage", "feedback_coverage", "rate", "higher", RATINGS),
    ("CSAT (1-5)", "csat_average", "csat", "higher", RATINGS),
    ("Bot containment", "bot_containment_rate", "rate", "higher", ("tickets.channel", "ticket_events.author_id")),
)
"""Which raw columns (``table.column``) each KPI is computed from: a KPI is marked when the loader defaulted one."""


def _kpis(quarter: Quarter, by_key: dict[str, dict[str, Any]], qa: dict[str, dict[str, Any]],
          cite: Any) -> list[Kpi]:
    keys = f"quarter_key in ('{quarter.key}', '{quarter.previous.key}', '{quarter.year_ago.key}')"
    kpis: list[Kpi] = []

    def value(rows: dict[str, dict[str, Any]], q: Quarter, column: str) -> float | None:
        row = rows.get(q.key)
        return None if row is None or row.get(column) is None else float(row[column])

    for name, column, kind, better, inputs in KPI_COLUMNS:
        number = cite(name, "fct_support_quarterly", column, keys)
        kpis.append(Kpi(name, kind, value(by_key, quarter, column), value(by_key, quarter.previous, column),
                        value(by_key, quarter.year_ago, column), better, number, inputs))
    number = cite("QA score (mean overall score, 0-100)", "fct_qa_audits", "avg(overall_score)",
                  "reviewed_date in each quarter")
    kpis.append(Kpi("QA score", "score", value(qa, quarter, "score"), value(qa, quarter.previous, "score"),
                    value(qa, quarter.year_ago, "score"), "higher", number))
    number = cite("QA pass rate", "fct_qa_audits", "avg(is_passed)", "reviewed_date in each quarter")
    kpis.append(Kpi("QA pass rate", "rate", value(qa, quarter, "pass_rate"), value(qa, quarter.previous, "pass_rate"),
                    value(qa, quarter.year_ago, "pass_rate"), "higher", number))
    return kpis


def _qa_by_quarter(con: duckdb.DuckDBPyConnection, quarter: Quarter) -> list[dict[str, Any]]:
    out = []
    for q in (quarter, quarter.previous, quarter.year_ago):
        row = _rows(con, "select count(*) as audits, avg(overall_score) as score, avg(is_passed::int) as pass_rate "
                         "from marts.fct_qa_audits where reviewed_date >= ? and reviewed_date < ?",
                    [q.start, q.end])[0]
        if row["audits"]:
            out.append({"quarter_key": q.key, **row})
    return out


def _sla_minutes(con: duckdb.DuckDBPyConnection, quarter: Quarter) -> int:
    row = con.execute("select mode(sla_target_minutes) from marts.fct_tickets where solved_date >= ? "
                      "and solved_date < ?", [quarter.start, quarter.end]).fetchone()
    return int(row[0]) if row and row[0] is not None else 10


def _responses_and_coverage(con: duckdb.DuckDBPyConnection, quarter: Quarter, tables: set[str],
                            cite: Any) -> tuple[FirstResponse, Coverage]:
    """The quarter's first-response populations and the sources' coverage, each cited."""
    first_response = _first_response(con, quarter)
    cite("First responses judged against the SLA", "fct_tickets",
         "first_response_minutes, sla_status, first_response_business_minutes",
         f"solved_date in {quarter.key}; judged: sla_status met or breached")
    coverage = read_coverage(con, tables)
    cite("Coverage of each source (first and last ticket)", coverage.mart.removeprefix("marts."),
         coverage.columns, "every source")
    cite("Columns the loader defaulted", "dim_source_defaults",
         "source_name, table_name, column_name, default_rule, defaulted_rows", "not is_emptied (none when absent)")
    return first_response, coverage


def _first_response(con: duckdb.DuckDBPyConnection, quarter: Quarter) -> FirstResponse:
    """Tickets resolved, with a human first response, and judged against the SLA, in ``quarter``."""
    row = con.execute("""
        select count(*), count(first_response_minutes),
               count(*) filter (where sla_status in ('met', 'breached')),
               median(first_response_business_minutes) filter (where sla_status in ('met', 'breached'))
        from marts.fct_tickets where solved_date >= ? and solved_date < ?""", [quarter.start, quarter.end]).fetchone()
    tickets, responded, judged, median = row if row else (0, 0, 0, None)
    return FirstResponse(int(tickets), int(responded), int(judged), None if median is None else float(median))


def _theme_changes(con: duckdb.DuckDBPyConnection, quarter: Quarter,
                   comparable: bool) -> tuple[list[ThemeChange], list[ThemeChange], list[ThemeChange]]:
    """Rising and declining themes against the previous quarter, or (not comparable) the quarter's top themes."""
    rows = _rows(con, """
        with weekly as (
            select theme_id,
                   coalesce(sum(tickets) filter (where week_start_date >= $1 and week_start_date < $2), 0) as tickets,
                   coalesce(sum(tickets) filter (where week_start_date >= $3 and week_start_date < $1), 0)
                       as previous_tickets
            from marts.fct_theme_weekly
            where week_start_date >= $3 and week_start_date < $2
            group by theme_id
        )
        select w.theme_id, d.theme_name, d.status, w.tickets, w.previous_tickets, d.representative_ticket_ids
        from weekly as w
        join marts.dim_themes as d on d.theme_id = w.theme_id
        order by w.tickets - w.previous_tickets desc, w.theme_id
    """, [quarter.start, quarter.end, quarter.previous.start])
    changes = [(ThemeChange(r["theme_id"], r["theme_name"], r["status"], int(r["tickets"]),
                            int(r["previous_tickets"])), r["representative_ticket_ids"]) for r in rows]
    if not comparable:  # a change would only say that a source's files start or end in one of the quarters
        top = sorted([p for p in changes if p[0].tickets], key=lambda p: (-p[0].tickets, p[0].theme_id))[:TOP_THEMES]
        for change, ids in top:
            _attach_example(con, change, ids)
        return [], [], [c for c, _ in top]
    rising = [(c, ids) for c, ids in changes if c.change > 0][:TOP_THEMES]
    declining = sorted([(c, ids) for c, ids in changes if c.change < 0], key=lambda p: (p[0].change, p[0].theme_id))
    declining = declining[:TOP_THEMES]
    for change, ids in (*rising, *declining):
        _attach_example(con, change, ids)
    return [c for c, _ in rising], [c for c, _ in declining], []


def _attach_example(con: duckdb.DuckDBPyConnection, change: ThemeChange, ids_json: str | None) -> None:
    try:
        ids = [str(i) for i in json.loads(ids_json or "[]")]
    except json.JSONDecodeError:
        ids = []
    if not ids:
        return
    rows = _rows(con, "select ticket_id, subject, body, language from marts.fct_tickets where ticket_id = any($1)",
                 [ids])
    if not rows:
        return
    # English first, then scripts the PDF font covers, Chinese/Japanese/Korean last.
    rows.sort(key=lambda r: (r["language"] != "en", r["language"] in CJK, ids.index(r["ticket_id"])))
    best = rows[0]
    body = " ".join((best["body"] or "").split())
    change.example_ticket_id = best["ticket_id"]
    change.example_subject = best["subject"]
    change.example_body = body if len(body) <= EXAMPLE_CHARS else body[:EXAMPLE_CHARS - 1].rstrip() + "…"


def _security(con: duckdb.DuckDBPyConnection, quarter: Quarter) -> Security:
    window = [quarter.start, quarter.end]
    sec = _rows(con, "select count(*) as n, count(*) filter (where is_within_target) as within, "
                     "mode(target_minutes) as target, median(minutes_to_intervention) as median_minutes "
                     "from marts.fct_security_interventions where flagged_date >= ? and flagged_date < ?", window)[0]
    previous = con.execute("select count(*) from marts.fct_security_interventions where flagged_date >= ? "
                           "and flagged_date < ?", [quarter.previous.start, quarter.start]).fetchone()
    outcomes = con.execute("select outcome, count(*) from marts.fct_security_interventions where flagged_date >= ? "
                           "and flagged_date < ? group by outcome order by count(*) desc, outcome", window).fetchall()
    dep = _rows(con, "select count(*) as n, count(*) filter (where recovery_status = 'recovered') as recovered, "
                     "count(*) filter (where recovery_status = 'pending') as pending, "
                     "count(*) filter (where recovery_status = 'unrecoverable') as unrecoverable, "
                     "median(days_to_recover) filter (where recovery_status = 'recovered') as median_days "
                     "from marts.fct_deposit_recoveries where reported_date >= ? and reported_date < ?", window)[0]
    assets = con.execute("select asset, count(*), sum(amount) from marts.fct_deposit_recoveries "
                         "where reported_date >= ? and reported_date < ? and recovery_status = 'recovered' "
                         "group by asset order by count(*) desc, asset", window).fetchall()
    return Security(
        interventions=int(sec["n"]), interventions_previous=int(previous[0]) if previous else 0,
        within_target=int(sec["within"]), target_minutes=int(sec["target"]) if sec["target"] is not None else None,
        median_minutes=float(sec["median_minutes"]) if sec["median_minutes"] is not None else None,
        outcomes=[(str(o), int(n)) for o, n in outcomes],
        deposits_reported=int(dep["n"]), deposits_recovered=int(dep["recovered"]),
        deposits_pending=int(dep["pending"]), deposits_unrecoverable=int(dep["unrecoverable"]),
        median_days_to_recover=float(dep["median_days"]) if dep["median_days"] is not None else None,
        recovered_by_asset=[(str(a), int(n), float(s or 0)) for a, n, s in assets],
    )


def _interval_review(con: duckdb.DuckDBPyConnection, quarter: Quarter, tables: set[str],
                     cite: Any) -> dict[str, Any] | None:
    """The quarter's interval level and links reviewed by a person (None in a warehouse built before the mart)."""
    if "fct_support_driven_share_interval" not in tables:
        return None
    cite("Share interval and links reviewed by a person", "fct_support_driven_share_interval",
         "interval_level, links, links_reviewed", f"quarter_key = '{quarter.key}'")
    rows = _rows(con, "select interval_level, links, links_reviewed from marts.fct_support_driven_share_interval "
                      "where quarter_key = $1", [quarter.key])
    return rows[0] if rows else None


def _support_driven(con: duckdb.DuckDBPyConnection, quarter: Quarter, tables: set[str], cite: Any) -> SupportDriven:
    missing = [t for t in LOOP_MARTS if t not in tables]
    if missing:
        return SupportDriven(available=False, missing=[f"marts.{t}" for t in missing])
    cite("Support-driven share of shipped improvements", "fct_support_driven_share",
         "shipped_items, support_driven_items, support_driven_share, support_driven_share_lower, "
         "support_driven_share_upper", f"quarter_key = '{quarter.key}' (chart: every quarter)")
    history = _rows(con, "select * from marts.fct_support_driven_share order by quarter_start_date")
    row = next((r for r in history if r["quarter_key"] == quarter.key), None)
    review = _interval_review(con, quarter, tables, cite)
    items = _rows(con, """
        select i.item_id, any_value(i.item_summary) as summary,
               coalesce(string_agg(distinct l.theme_name, '; '), any_value(i.theme_name)) as themes,
               any_value(i.shipped_at) as shipped_at, any_value(t.days_insight_to_shipped) as lead_days,
               any_value(i.weekly_tickets_before) as before, any_value(i.weekly_tickets_after) as after,
               any_value(i.change_pct) as change_pct, any_value(i.is_significant_drop) as significant
        from marts.fct_improvement_impact as i
        left join marts.fct_insight_lead_time as t on t.item_id = i.item_id
        left join marts.fct_theme_backlog_links as l on l.item_id = i.item_id and l.is_accepted
        where i.is_support_driven and i.shipped_at >= $1 and i.shipped_at < $2
        group by i.item_id
        order by any_value(i.shipped_at), i.item_id
    """, [quarter.start, quarter.end])
    cite("Support-driven items shipped in the quarter: impact", "fct_improvement_impact",
         "item_id, item_summary, shipped_at, weekly_tickets_before, weekly_tickets_after, change_pct, "
         "is_significant_drop", f"is_support_driven and shipped_at in {quarter.key}")
    cite("Lead time from first insight to shipping", "fct_insight_lead_time", "days_insight_to_shipped",
         "the items listed")
    cite("Driving themes of each item", "fct_theme_backlog_links", "theme_name", "is_accepted, the items listed")
    lead = [float(r["lead_days"]) for r in items if r["lead_days"] is not None]
    lead.sort()
    median_lead = None if not lead else (lead[len(lead) // 2] if len(lead) % 2 else
                                         (lead[len(lead) // 2 - 1] + lead[len(lead) // 2]) / 2)

    def opt(v: Any) -> float | None:
        return None if v is None else float(v)

    return SupportDriven(
        available=True,
        shipped_items=int(row["shipped_items"]) if row else 0,
        support_driven_items=int(row["support_driven_items"]) if row else 0,
        share=opt(row["support_driven_share"]) if row else None,
        share_lower=opt(row["support_driven_share_lower"]) if row else None,
        share_upper=opt(row["support_driven_share_upper"]) if row else None,
        interval_level=opt(review["interval_level"]) if review else None,
        links=int(review["links"]) if review else None,
        links_reviewed=int(review["links_reviewed"]) if review else None,
        median_lead_days=median_lead,
        items=[ImprovementItem(str(r["item_id"]), r["summary"] or "", r["themes"] or "",
                               r["shipped_at"].date() if isinstance(r["shipped_at"], datetime) else r["shipped_at"],
                               opt(r["lead_days"]), opt(r["before"]), opt(r["after"]), opt(r["change_pct"]),
                               None if r["significant"] is None else bool(r["significant"])) for r in items],
        history=history,
    )
