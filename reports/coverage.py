"""Which quarters the data covers, per feedback source, and which inputs the loader defaulted.

A source's span is known from its data (``marts.dim_sources``: first and last ticket by
creation). Two quarters are compared only when every source with data in either covers both
fully; otherwise a change would only say that a source's files start or end (DECISIONS.md,
"Coverage").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import duckdb

from reports.quarters import Quarter

DEFAULT_GRACE_DAYS = 7
"""Days a source may start after a quarter's first day (or end before its last) and still cover it."""


@dataclass(frozen=True)
class SourceSpan:
    """One feedback source's span: its first and last ticket (by creation) and its ticket count."""

    name: str
    first_date: date
    last_date: date
    tickets: int
    grace_days: int = DEFAULT_GRACE_DAYS

    def overlaps(self, quarter: Quarter) -> bool:
        """Whether the source has data in ``quarter`` at all."""
        return self.first_date < quarter.end and self.last_date >= quarter.start

    def covers(self, quarter: Quarter) -> bool:
        """Whether the source's span reaches both ends of ``quarter`` (within the grace days)."""
        grace = timedelta(days=self.grace_days)
        last_day = quarter.end - timedelta(days=1)
        return self.first_date <= quarter.start + grace and self.last_date >= last_day - grace

    def describe(self) -> str:
        """``app-store: 2024-02-15 to 2024-11-08``."""
        return f"{self.name}: {self.first_date.isoformat()} to {self.last_date.isoformat()}"


@dataclass(frozen=True)
class Defaulted:
    """A column the loader filled in by a rule because the export had none (``marts.dim_source_defaults``)."""

    source_name: str
    table_name: str
    column_name: str
    rule: str
    rows: int


@dataclass
class Coverage:
    """The sources' spans, and the columns the loader defaulted."""

    sources: list[SourceSpan]
    defaulted: list[Defaulted] = field(default_factory=list)
    mart: str = "marts.dim_sources"
    columns: str = "source_name, covered_from, covered_to, tickets, grace_days"

    def overlapping(self, *quarters: Quarter) -> list[SourceSpan]:
        """Sources with data in any of ``quarters``."""
        return [s for s in self.sources if any(s.overlaps(q) for q in quarters)]

    def covers(self, quarter: Quarter) -> bool:
        """Whether every source with data in ``quarter`` covers it fully (False without data)."""
        spans = self.overlapping(quarter)
        return bool(spans) and all(s.covers(quarter) for s in spans)

    def comparable(self, quarter: Quarter, other: Quarter) -> bool:
        """Whether every source with data in either quarter covers both fully."""
        spans = self.overlapping(quarter, other)
        return bool(spans) and all(s.covers(quarter) and s.covers(other) for s in spans)

    def gap(self, quarter: Quarter, other: Quarter) -> str:
        """Why the two quarters are not comparable, in words (empty when they are)."""
        if self.comparable(quarter, other):
            return ""
        spans = self.overlapping(quarter, other)
        parts = []
        for q in (other, quarter):
            if not self.overlapping(q):
                parts.append(f"no source has data in {q.key}")
            elif not all(s.covers(q) for s in spans):
                parts.append(f"{q.key} is only partly covered")
        offenders = "; ".join(s.describe() for s in spans if not (s.covers(quarter) and s.covers(other)))
        return " and ".join(parts) + (f" ({offenders})" if offenders else "")

    def defaulted_inputs(self, inputs: tuple[str, ...]) -> list[Defaulted]:
        """The defaulted columns among ``inputs`` (``table.column``)."""
        return [d for d in self.defaulted if f"{d.table_name}.{d.column_name}" in inputs]


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    return con.execute(sql, params or []).fetchall()


def read_coverage(con: duckdb.DuckDBPyConnection, tables: set[str]) -> Coverage:
    """The sources' spans from ``marts.dim_sources`` and defaults from ``marts.dim_source_defaults``.

    Only columns filled in by a rule count as defaulted; an emptied reference (a group no export
    named) leaves its figures without data rather than computed from a rule. A warehouse built
    before those marts existed is read as one source spanning ``marts.fct_tickets`` (by
    ``created_date``) with no defaulted columns.
    """
    defaulted = []
    if "dim_source_defaults" in tables:
        defaulted = [Defaulted(str(s), str(t), str(c), str(r or ""), int(n or 0)) for s, t, c, r, n in _rows(
            con, "select coalesce(source_name, 'every source'), table_name, column_name, default_rule, defaulted_rows "
                 "from marts.dim_source_defaults where not is_emptied order by all")]
    if "dim_sources" in tables:
        spans = [SourceSpan(str(n), f, last, int(t or 0), int(g if g is not None else DEFAULT_GRACE_DAYS))
                 for n, f, last, t, g in _rows(con, "select source_name, covered_from, covered_to, tickets, grace_days "
                                                    "from marts.dim_sources order by source_name")]
        return Coverage(spans, defaulted)
    row = _rows(con, "select min(created_date), max(created_date), count(*) from marts.fct_tickets")[0]
    spans = [SourceSpan("all tickets", row[0], row[1], int(row[2]))] if row[0] is not None else []
    return Coverage(spans, defaulted, mart="marts.fct_tickets", columns="created_date")


@dataclass(frozen=True)
class SourceFigures:
    """One source's figures in the quarter: tickets resolved, CSAT and its biggest themes."""

    name: str
    tickets: int
    csat_average: float | None
    csat_responses: int
    top_themes: list[tuple[str, int]]


TOP_THEMES_PER_SOURCE = 3


def has_source_column(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``marts.fct_tickets`` carries the per-source name (``source_name``)."""
    return bool(_rows(con, "select 1 from information_schema.columns where table_schema = 'marts' "
                           "and table_name = 'fct_tickets' and column_name = 'source_name'"))


def read_source_split(con: duckdb.DuckDBPyConnection, quarter: Quarter, tables: set[str]) -> list[SourceFigures]:
    """Tickets resolved, CSAT and top themes per source in ``quarter`` (empty without ``fct_tickets.source_name``)."""
    if not has_source_column(con):
        return []
    window = [quarter.start, quarter.end]
    totals = _rows(con, "select source_name, count(*), avg(csat_score), count(csat_score) from marts.fct_tickets "
                        "where solved_date >= ? and solved_date < ? group by source_name "
                        "order by count(*) desc, source_name", window)
    themes: dict[str, list[tuple[str, int]]] = {}
    if {"fct_ticket_themes", "dim_themes"} <= tables:
        for source, name, n in _rows(con, """
                select t.source_name, d.theme_name, count(*) as n
                from marts.fct_tickets as t
                join marts.fct_ticket_themes as tt on tt.ticket_id = t.ticket_id
                join marts.dim_themes as d on d.theme_id = tt.theme_id
                where t.solved_date >= ? and t.solved_date < ?
                group by t.source_name, d.theme_name
                order by t.source_name, n desc, d.theme_name""", window):
            themes.setdefault(str(source), []).append((str(name), int(n)))
    return [SourceFigures(str(s), int(n), None if avg is None else float(avg), int(k),
                          themes.get(str(s), [])[:TOP_THEMES_PER_SOURCE]) for s, n, avg, k in totals]
