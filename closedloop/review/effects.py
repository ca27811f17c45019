"""Candidate links ordered by how much a decision on them moves a quarter's support-driven share.

The share (``marts.fct_support_driven_share``) is support-driven improvements / shipped
improvements per quarter, where an improvement (a shipped story or bug, dbt var
``improvement_item_types``) is support-driven when it has at least one accepted theme link.

**The effect rule.** For a link of an improvement shipped in quarter Q, with ``n`` shipped
improvements in Q and ``a`` accepted links on the item:

- *flip*: an accepted link would be rejected, an open one accepted. The share moves by
  ``delta = -1/n`` when the link is accepted and the item's only accepted link (``a == 1``),
  ``+1/n`` when it is not accepted and the item has none (``a == 0``), and ``0`` otherwise (another
  accepted link keeps the item support-driven either way);
- *uncertainty*: ``u = 1 - |2 * score - 1|`` with ``score`` the link's calibrated confidence (1 at
  0.5, 0 at 0 or 1); a link a person already confirmed (score 1) or rejected (score 0) has ``u = 0``;
- *effect* ``= |delta| * u``. Candidates are listed by effect, largest first, then by score.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from closedloop.core.warehouse import project_vars
from closedloop.review.store import ReviewError


@dataclass(frozen=True)
class CandidateLink:
    """One theme-item link of an improvement shipped in the quarter, with its effect on the share."""

    link_id: str
    theme_id: str
    theme_name: str | None
    item_id: str
    item_summary: str | None
    link_type: str
    score: float
    is_accepted: bool
    is_confirmed: bool
    is_rejected: bool
    delta: float
    uncertainty: float
    effect: float
    evidence: str | None

    @property
    def decided(self) -> str | None:
        """``confirmed``, ``rejected`` or None (no human decision yet)."""
        return "confirmed" if self.is_confirmed else "rejected" if self.is_rejected else None


@dataclass(frozen=True)
class QuarterShare:
    """A quarter's share as the marts hold it."""

    quarter_key: str
    shipped_items: int
    support_driven_items: int
    support_driven_share: float
    share_low: float | None = None
    share_high: float | None = None
    interval_level: float | None = None
    links: int | None = None
    links_reviewed: int | None = None

    @property
    def interval_text(self) -> str:
        """``90% interval 30.0%-45.0%; 3 of 120 links reviewed by a person``, or ``""`` without the interval mart."""
        if self.share_low is None or self.share_high is None or self.interval_level is None:
            return ""
        return (f"{100 * self.interval_level:.0f}% interval {self.share_low:.1%}-{self.share_high:.1%}; "
                f"{self.links_reviewed} of {self.links} links reviewed by a person")


def link_id(theme_id: str, item_id: str) -> str:
    """The id a reviewer types: ``T0007:PAY-12``."""
    return f"{theme_id}:{item_id}"


def parse_link_id(value: str) -> tuple[str, str]:
    """``(theme_id, item_id)`` from ``T0007:PAY-12`` (theme ids hold no colon)."""
    theme_id, sep, item_id = value.partition(":")
    if not sep or not theme_id or not item_id:
        raise ReviewError(f"link id {value!r}: expected THEME:ITEM, for example T0007:PAY-12")
    return theme_id, item_id


def _require_marts(con: duckdb.DuckDBPyConnection) -> None:
    found = con.execute("select count(*) from information_schema.tables where table_schema = 'marts' and "
                        "table_name in ('fct_theme_backlog_links', 'fct_support_driven_share', 'dim_calendar')"
                        ).fetchone()
    if not found or found[0] < 3:
        raise ReviewError("the warehouse has no link marts yet: run `closedloop run` first")


def quarter_shares(con: duckdb.DuckDBPyConnection) -> list[QuarterShare]:
    """Every quarter's share, newest first."""
    _require_marts(con)
    found = con.execute("select count(*) from information_schema.tables where table_schema = 'marts' and "
                        "table_name = 'fct_support_driven_share_interval'").fetchone()
    if found and found[0]:  # the share's interval and links reviewed, in warehouses built since that mart
        rows = con.execute("select quarter_key, shipped_items, support_driven_items, share, share_low, share_high, "
                           "interval_level, links, links_reviewed from marts.fct_support_driven_share_interval "
                           "order by quarter_start_date desc").fetchall()
        return [QuarterShare(r[0], int(r[1]), int(r[2]), float(r[3] or 0.0), float(r[4]), float(r[5]), float(r[6]),
                             int(r[7]), int(r[8])) for r in rows]
    rows = con.execute("select quarter_key, shipped_items, support_driven_items, support_driven_share "
                       "from marts.fct_support_driven_share order by quarter_start_date desc").fetchall()
    return [QuarterShare(r[0], int(r[1]), int(r[2]), float(r[3] or 0.0)) for r in rows]


def _quarter(con: duckdb.DuckDBPyConnection, quarter: str | None) -> QuarterShare:
    shares = quarter_shares(con)
    if not shares:
        raise ReviewError("no quarter has shipped improvements yet")
    if quarter is None:
        return shares[0]
    for share in shares:
        if share.quarter_key == quarter.upper():
            return share
    known = ", ".join(s.quarter_key for s in shares)
    raise ReviewError(f"--quarter {quarter}: no shipped improvements in that quarter (quarters: {known})")


CANDIDATES_SQL = """
with links as (
    select l.*, c.quarter_key,
           sum(case when l.is_accepted then 1 else 0 end) over (partition by l.item_id) as accepted_on_item
    from marts.fct_theme_backlog_links as l
    inner join marts.dim_calendar as c on cast(l.item_shipped_at as date) = c.date_day
    where l.item_type in (select unnest(?)) and l.theme_id <> '*'
)
select theme_id, theme_name, item_id, item_summary, link_type, score, is_accepted, is_confirmed, is_rejected,
       accepted_on_item, evidence
from links where quarter_key = ?
"""


def candidate_links(con: duckdb.DuckDBPyConnection, quarter: str | None = None) -> tuple[QuarterShare,
                                                                                         list[CandidateLink]]:
    """The quarter (default: the latest with shipped improvements) and its links, largest effect first."""
    share = _quarter(con, quarter)
    types = list(project_vars().get("improvement_item_types", ["story", "bug"]))
    rows = con.execute(CANDIDATES_SQL, [types, share.quarter_key]).fetchall()
    links = []
    for theme_id, name, item_id, summary, link_type, score, accepted, confirmed, rejected, on_item, evidence in rows:
        p = float(score or 0.0)
        step = 1.0 / share.shipped_items if share.shipped_items else 0.0
        delta = -step if accepted and on_item == 1 else step if not accepted and on_item == 0 else 0.0
        uncertainty = 0.0 if confirmed or rejected else max(0.0, 1.0 - abs(2.0 * p - 1.0))
        links.append(CandidateLink(link_id(theme_id, item_id), theme_id, name, item_id, summary, link_type, p,
                                   bool(accepted), bool(confirmed), bool(rejected), delta, uncertainty,
                                   abs(delta) * uncertainty, evidence))
    links.sort(key=lambda c: (-c.effect, -c.score, c.link_id))
    return share, links


def link_state(con: duckdb.DuckDBPyConnection, theme_id: str, item_id: str) -> dict[str, object]:
    """The link as the marts show it (for the audit's before), or a :class:`ReviewError` when unknown."""
    _require_marts(con)
    row = con.execute("select score, is_accepted, link_type from marts.fct_theme_backlog_links "
                      "where theme_id = ? and item_id = ?", [theme_id, item_id]).fetchone()
    if row is None:
        raise ReviewError(f"link {link_id(theme_id, item_id)}: no such link in marts.fct_theme_backlog_links")
    return {"score": row[0], "is_accepted": row[1], "link_type": row[2]}
