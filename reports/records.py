"""The records a quarterly report is made of: headline KPIs, theme changes, security and support-driven figures.

Plain dataclasses, filled in by :mod:`reports.data` from the marts and read by the summary, the
charts and the tables. Every figure points at its :class:`Source` (a footnote of the data appendix).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reports.coverage import Coverage, SourceFigures
from reports.quarters import Quarter


@dataclass
class Source:
    """Where figures come from: a mart, its columns and the rows used.

    Attributes:
        number: Footnote number in the report.
        what: What the figures are, in words.
        mart: ``marts.<table>``.
        columns: Columns read.
        rows: The filter that selects the rows.
    """

    number: int
    what: str
    mart: str
    columns: str
    rows: str


@dataclass
class Kpi:
    """A headline figure in the quarter, the previous quarter and the same quarter a year earlier.

    Attributes:
        name: Label.
        kind: ``count``, ``minutes``, ``rate``, ``csat`` or ``score``: how it is formatted and compared.
        current: Value in the report's quarter.
        previous: Value in the previous quarter, or None without data.
        year_ago: Value a year earlier, or None without data.
        better: ``higher`` or ``lower``: which direction is good.
        source: Footnote number of its :class:`Source`.
        inputs: Raw columns (``table.column``) it is computed from, to mark it when one was defaulted.
    """

    name: str
    kind: str
    current: float | None
    previous: float | None
    year_ago: float | None
    better: str
    source: int
    inputs: tuple[str, ...] = ()


@dataclass
class FirstResponse:
    """The quarter's first responses, and the population the SLA attainment is counted over.

    Attributes:
        tickets: Tickets resolved in the quarter.
        responded: Tickets with a human first response (the population of the calendar median and p90).
        judged: Tickets with an SLA outcome (met or breached): a human first response and a
            first-reply target; the population of the attainment.
        judged_median_minutes: Median first response of the judged tickets, in the minutes the SLA
            judges (business minutes of their schedule), or None.
    """

    tickets: int
    responded: int
    judged: int
    judged_median_minutes: float | None


@dataclass
class ThemeChange:
    """A theme's ticket count in the quarter against the previous quarter, with an example ticket."""

    theme_id: str
    theme_name: str
    status: str
    tickets: int
    previous_tickets: int
    example_ticket_id: str | None = None
    example_subject: str | None = None
    example_body: str | None = None

    @property
    def change(self) -> int:
        """Tickets this quarter minus tickets last quarter."""
        return self.tickets - self.previous_tickets


@dataclass(frozen=True)
class ThemeLine:
    """A sub-theme's tickets in the quarter and the previous one."""

    theme_name: str
    tickets: int
    previous_tickets: int


@dataclass(frozen=True)
class ThemeGroupChange:
    """A top-level theme's tickets in the quarter and the previous one, with its largest sub-themes.

    Attributes:
        group_id: ``dim_theme_groups.theme_group_id``.
        group_name: Its name.
        tickets: Tickets in the quarter (sum of its sub-themes).
        previous_tickets: Tickets in the previous quarter.
        sub_themes: Its largest sub-themes this quarter.
        more_sub_themes: How many further sub-themes with tickets are not listed.
    """

    group_id: str
    group_name: str
    tickets: int
    previous_tickets: int
    sub_themes: list[ThemeLine]
    more_sub_themes: int = 0


@dataclass
class ImprovementItem:
    """A shipped, support-driven backlog item (backlog-link marts); ``change_pct`` is a fraction (-0.6 = -60%)."""

    item_id: str
    summary: str
    themes: str
    shipped_at: date | None
    days_insight_to_shipped: float | None
    weekly_tickets_before: float | None
    weekly_tickets_after: float | None
    change_pct: float | None
    is_significant_drop: bool | None


@dataclass
class SupportDriven:
    """The support-driven share of shipped improvements, when the backlog-link marts exist."""

    available: bool
    missing: list[str] = field(default_factory=list)
    shipped_items: int | None = None
    support_driven_items: int | None = None
    share: float | None = None
    share_lower: float | None = None
    share_upper: float | None = None
    interval_level: float | None = None
    links: int | None = None
    links_reviewed: int | None = None
    median_lead_days: float | None = None
    items: list[ImprovementItem] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Security:
    """Security interventions (by day flagged) and deposit recoveries (by day reported)."""

    interventions: int
    interventions_previous: int
    within_target: int
    target_minutes: int | None
    median_minutes: float | None
    outcomes: list[tuple[str, int]]
    deposits_reported: int
    deposits_recovered: int
    deposits_pending: int
    deposits_unrecoverable: int
    median_days_to_recover: float | None
    recovered_by_asset: list[tuple[str, int, float]]


@dataclass
class ReportData:
    """Everything one quarter's report shows."""

    quarter: Quarter
    warehouse: Path
    generated_at: datetime
    sla_minutes: int
    kpis: list[Kpi]
    history: list[dict[str, Any]]
    qa_audits: int
    rising: list[ThemeChange]
    declining: list[ThemeChange]
    security: Security
    support_driven: SupportDriven
    sources: list[Source]
    theme_groups: list[ThemeGroupChange] = field(default_factory=list)
    coverage: Coverage = field(default_factory=lambda: Coverage([]))
    first_response: FirstResponse = field(default_factory=lambda: FirstResponse(0, 0, 0, None))
    top_themes: list[ThemeChange] = field(default_factory=list)
    by_source: list[SourceFigures] = field(default_factory=list)
    backlog_items: int = 0

    def kpi(self, name: str) -> Kpi:
        """The KPI called ``name``."""
        return next(k for k in self.kpis if k.name == name)

    def comparable(self, other: Quarter) -> bool:
        """Whether the report's quarter may be compared with ``other`` (both fully covered by every source)."""
        return self.coverage.comparable(self.quarter, other)
