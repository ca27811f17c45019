"""Formatted tables both renderers show, so the HTML and the PDF print the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field

from reports import formatting as fmt
from reports.data import LOOP_MARTS
from reports.figures import Chart
from reports.records import ReportData
from reports.summary import Claim


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
    examples: list[ThemeExample]
    security: Table
    security_outcomes: Table
    deposits: Table
    items: Table | None
    support_driven_note: str
    appendix: Table
    notes: list[str] = field(default_factory=list)
    taxonomy: Table | None = None


def _kpi_table(data: ReportData) -> Table:
    q = data.quarter
    rows = []
    for k in data.kpis:
        rows.append([k.name, fmt.value(k.kind, k.current), fmt.value(k.kind, k.previous),
                     fmt.change(k.kind, k.current, k.previous), fmt.value(k.kind, k.year_ago),
                     fmt.change(k.kind, k.current, k.year_ago), f"[{k.source}]"])
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
    note = (f"{fmt.count(sd.support_driven_items)} of {fmt.count(sd.shipped_items)} shipped items "
            f"({fmt.rate(sd.share)}) were driven by support themes.")
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
                for c in (*data.rising, *data.declining) if c.example_ticket_id]
    appendix = Table(["#", "Figures", "Mart", "Columns", "Rows"],
                     [[str(src.number), src.what, src.mart, src.columns, src.rows] for src in data.sources])
    return ReportView(
        data=data, title=f"Support feedback loop: quarterly report {q.key}", claims=claims, charts=charts,
        kpis=_kpi_table(data), rising=_theme_table(data, True), declining=_theme_table(data, False),
        examples=examples, security=security, security_outcomes=outcomes, deposits=deposits, items=items,
        support_driven_note=note, appendix=appendix, taxonomy=_taxonomy_table(data),
        notes=[f"Quarters are calendar quarters (UTC); a ticket counts in the quarter it was solved. "
               f"Changes on counts are relative (%); on rates, percentage points (pp). First response is in "
               f"calendar minutes; the {data.sla_minutes}-minute SLA is judged in business minutes of the "
               f"owning tier. Ticket text is redacted in the marts.",
               "Theme weeks start on Monday and count in the quarter their Monday falls in."],
    )
