"""Formatted tables both renderers show, so the HTML and the PDF print the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field

from reports import formatting as fmt
from reports.data import LOOP_MARTS
from reports.figures import Chart
from reports.quarters import Quarter
from reports.records import ReportData
from reports.summary import DEFAULTED_MARK, Claim, share_interval


@dataclass
class Table:
    """A table: header, rows of text, and the footnote numbers of its sources."""

    header: list[str]
    rows: list[list[str]]
    refs: tuple[int, ...] = ()


@dataclass
class ThemeExample:
    """An example ticket shown under a theme table."""

    theme_name: str
    ticket_id: str
    subject: str
    body: str


@dataclass
class ReportView:
    """Everything a renderer needs, already formatted."""

    data: ReportData
    title: str
    claims: list[Claim]
    charts: dict[str, Chart]
    kpis: Table
    rising: Table
    declining: Table
    top_themes: Table
    examples: list[ThemeExample]
    security: Table
    security_outcomes: Table
    deposits: Table
    items: Table | None
    support_driven_note: str
    appendix: Table
    notes: list[str] = field(default_factory=list)
    taxonomy: Table | None = None
    coverage: Table | None = None
    by_source: Table | None = None
    themes_note: str = ""


def _kpi_table(data: ReportData) -> Table:
    q = data.quarter
    rows = []

    def change(kind: str, current: float | None, other: float | None, other_q: Quarter) -> str:
        if current is not None and other is not None and not data.comparable(other_q):
            return "not comparable"
        return fmt.change(kind, current, other)

    for k in data.kpis:
        mark = f" {DEFAULTED_MARK}" if data.coverage.defaulted_inputs(k.inputs) else ""
        rows.append([k.name + mark, fmt.value(k.kind, k.current), fmt.value(k.kind, k.previous),
                     change(k.kind, k.current, k.previous, q.previous), fmt.value(k.kind, k.year_ago),
                     change(k.kind, k.current, k.year_ago, q.year_ago), f"[{k.source}]"])
    header = ["KPI", q.key, q.previous.key, "vs prev.", q.year_ago.key, "vs year ago", "src"]
    return Table(header, rows, tuple(k.source for k in data.kpis))


def _theme_table(data: ReportData, rising: bool) -> Table:
    changes = data.rising if rising else data.declining
    header = ["Theme", "Status", data.quarter.previous.key, data.quarter.key, "Change"]
    rows = [[c.theme_name, c.status, fmt.count(c.previous_tickets), fmt.count(c.tickets), f"{c.change:+d}"]
            for c in changes]
    return Table(header, rows)


SUB_THEME_MARK = "  └ "
"""Prefix of a sub-theme's row under its top-level theme."""


def _taxonomy_table(data: ReportData) -> Table | None:
    """Top-level themes (rows without a mark) with their sub-themes beneath; None without groups.

    A top-level theme whose only sub-theme carries its name gets no sub-theme row.
    """
    if not data.theme_groups:
        return None
    q = data.quarter
    rows = []
    for g in data.theme_groups:
        rows.append([g.group_name, fmt.count(g.previous_tickets), fmt.count(g.tickets),
                     f"{g.tickets - g.previous_tickets:+d}"])
        if [s.theme_name for s in g.sub_themes] == [g.group_name] and not g.more_sub_themes:
            continue  # a top-level theme that is its one sub-theme: one row says it all
        rows += [[SUB_THEME_MARK + s.theme_name, fmt.count(s.previous_tickets), fmt.count(s.tickets),
                  f"{s.tickets - s.previous_tickets:+d}"] for s in g.sub_themes]
        if g.more_sub_themes:
            rows.append([f"{SUB_THEME_MARK}and {g.more_sub_themes} more sub-themes", "", "", ""])
    return Table(["Top-level theme / sub-theme", q.previous.key, q.key, "Change"], rows,
                 (_source(data, "fct_theme_group_weekly"),))


def _top_theme_table(data: ReportData) -> Table:
    """The quarter's biggest themes, without a change (shown when the previous quarter is not comparable)."""
    header = ["Theme", "Status", data.quarter.key]
    return Table(header, [[c.theme_name, c.status, fmt.count(c.tickets)] for c in data.top_themes])


def _coverage_tables(data: ReportData) -> tuple[Table, Table | None]:
    """Each source's span and whether it covers the quarter; figures per source when there are several."""
    q, cov = data.quarter, data.coverage
    spans = Table(["Source", "First ticket", "Last ticket", "Tickets", f"Covers {q.key}"],
                  [[s.name, s.first_date.isoformat(), s.last_date.isoformat(), fmt.count(s.tickets),
                    "fully" if s.covers(q) else ("partly" if s.overlaps(q) else "no")] for s in cov.sources],
                  (_source(data, cov.mart.removeprefix("marts.")),))
    if len(data.by_source) < 2:
        return spans, None
    split = Table(["Source", "Tickets resolved", "CSAT (1-5)", "CSAT answers", "Top themes (tickets)"],
                  [[f.name, fmt.count(f.tickets), fmt.csat(f.csat_average), fmt.count(f.csat_responses),
                    "; ".join(f"{name} ({n})" for name, n in f.top_themes) or fmt.NA] for f in data.by_source],
                  (_source(data, "fct_tickets, marts.fct_ticket_themes"),))
    return spans, split


def _source(data: ReportData, mart: str) -> int:
    return next(s.number for s in data.sources if s.mart.startswith(f"marts.{mart}"))


def _security_tables(data: ReportData) -> tuple[Table, Table, Table]:
    """Security interventions, their outcomes, and deposit recoveries."""
    q = data.quarter
    s = data.security
    security = Table(["Measure", q.key], [
        ["Interventions flagged", fmt.count(s.interventions)],
        [f"Interventions flagged in {q.previous.key}", fmt.count(s.interventions_previous)],
        [f"Actioned within the {s.target_minutes or '?'}-minute target",
         fmt.rate(s.within_target / s.interventions) if s.interventions else fmt.NA],
        ["Median minutes to intervention", fmt.minutes(s.median_minutes)],
    ], (_source(data, "fct_security_interventions"),))
    outcomes = Table(["Outcome", "Interventions"], [[o.replace("_", " "), fmt.count(n)] for o, n in s.outcomes],
                     (_source(data, "fct_security_interventions"),))
    deposits = Table(["Measure", q.key], [
        ["Missing deposits reported", fmt.count(s.deposits_reported)],
        ["Recovered", fmt.count(s.deposits_recovered)],
        ["Pending", fmt.count(s.deposits_pending)],
        ["Unrecoverable", fmt.count(s.deposits_unrecoverable)],
        ["Recovery rate (recovered / reported)",
         fmt.rate(s.deposits_recovered / s.deposits_reported) if s.deposits_reported else fmt.NA],
        ["Median days to recover", fmt.days(s.median_days_to_recover)],
        *[[f"Recovered {asset}: {fmt.count(n)} deposits", f"{amount:,.2f} {asset}"]
          for asset, n, amount in s.recovered_by_asset[:6]],
    ], (_source(data, "fct_deposit_recoveries"),))
    return security, outcomes, deposits


def _support_driven(data: ReportData) -> tuple[Table | None, str]:
    """The shipped support-driven items (None without the backlog-link marts) and the sentence above them."""
    sd = data.support_driven
    if not sd.available:
        return None, ("Not available yet: the backlog-link marts (" + ", ".join(sd.missing) + ") are not in this "
                      "warehouse. This section fills in once the pipeline builds them.")
    if not any(r.get("shipped_items") for r in sd.history):
        return None, ("No backlog item shipped in any quarter of the data (no backlog export was loaded), so the "
                      "support-driven share has no data.")
    note = (f"{fmt.count(sd.support_driven_items)} of {fmt.count(sd.shipped_items)} shipped items "
            f"({fmt.rate(sd.share)}) were driven by support themes{share_interval(sd)}.")
    items = Table(["Item", "Summary", "Driving themes", "Shipped", "Insight → shipped", "Tickets/week before",
                   "after", "Change", "Sig. drop"],
                  [[i.item_id, i.summary, i.themes, i.shipped_at.isoformat() if i.shipped_at else fmt.NA,
                    fmt.days(i.days_insight_to_shipped),
                    fmt.NA if i.weekly_tickets_before is None else f"{i.weekly_tickets_before:.1f}",
                    fmt.NA if i.weekly_tickets_after is None else f"{i.weekly_tickets_after:.1f}",
                    fmt.NA if i.change_pct is None else f"{100 * i.change_pct:+.1f}%",
                    fmt.NA if i.is_significant_drop is None else ("yes" if i.is_significant_drop else "no")]
                   for i in sd.items],
                  tuple(src.number for src in data.sources if src.mart.split(".")[1].split(",")[0] in LOOP_MARTS))
    return items, note


def build_view(data: ReportData, claims: list[Claim], charts: dict[str, Chart]) -> ReportView:
    """Format every table of the report.

    Args:
        data: The quarter's figures.
        claims: The summary's sentences.
        charts: The rendered charts, by name.

    Returns:
        The view both renderers (HTML and PDF) print.
    """
    q = data.quarter
    security, outcomes, deposits = _security_tables(data)
    items, note = _support_driven(data)
    examples = [ThemeExample(c.theme_name, c.example_ticket_id, c.example_subject or "", c.example_body or "")
                for c in (*data.rising, *data.declining, *data.top_themes) if c.example_ticket_id]
    coverage, by_source = _coverage_tables(data)
    themes_note = ("" if data.comparable(q.previous) else
                   f"Not compared with {q.previous.key}: {data.coverage.gap(q, q.previous)}. "
                   f"The quarter's biggest themes are shown instead.")
    appendix = Table(["#", "Figures", "Mart", "Columns", "Rows"],
                     [[str(src.number), src.what, src.mart, src.columns, src.rows] for src in data.sources])
    return ReportView(
        data=data, title=f"Support feedback loop: quarterly report {q.key}", claims=claims, charts=charts,
        kpis=_kpi_table(data), rising=_theme_table(data, True), declining=_theme_table(data, False),
        top_themes=_top_theme_table(data),
        examples=examples, security=security, security_outcomes=outcomes, deposits=deposits, items=items,
        support_driven_note=note, appendix=appendix, taxonomy=_taxonomy_table(data), coverage=coverage,
        by_source=by_source, themes_note=themes_note,
        notes=[f"Quarters are calendar quarters (UTC); a ticket counts in the quarter it was solved. "
               f"Changes on counts are relative (%); on rates, percentage points (pp); a change is shown only "
               f"when every source covers both quarters fully (see Data coverage). Median and p90 first "
               f"response: calendar minutes over tickets with a human first response. SLA attainment: the "
               f"share of tickets with an SLA outcome (a human first response and a first-reply target) whose "
               f"first response met the target ({data.sla_minutes} minutes for most), counted in business "
               f"minutes of the ticket's schedule. {DEFAULTED_MARK}: computed from a column the loader filled "
               f"in by rule. Ticket text is redacted in the marts.",
               "Theme weeks start on Monday and count in the quarter their Monday falls in. A theme's status "
               "is judged at the last week its own sources have data."],
    )
