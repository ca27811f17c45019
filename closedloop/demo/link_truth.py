"""Check theme-to-backlog links and the support-driven share against the demo's planted truth.

A discovered theme stands for the planted theme most of its tickets carry (``truth/tickets.csv``).
A link (theme, item) is correct when that planted theme is the item's ``driving_theme`` in
``truth/backlog_items.csv``. Used by ``bench/link_calibration.py`` and the tests.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class QuarterShare:
    """One quarter's support-driven share, measured and planted.

    Attributes:
        quarter: ``2025Q4``.
        shipped: Shipped improvements the marts count.
        measured: ``marts.fct_support_driven_share.support_driven_share``.
        lower: Lower bound from link confidence.
        upper: Upper bound from link confidence.
        truth: Planted share (``truth/support_driven_share.csv``).
    """

    quarter: str
    shipped: int
    measured: float | None
    lower: float | None
    upper: float | None
    truth: float | None

    @property
    def error(self) -> float | None:
        """``|measured - truth|``, None when either is missing."""
        if self.measured is None or self.truth is None:
            return None
        return abs(self.measured - self.truth)


@dataclass
class LinkEvaluation:
    """Link quality against the planted driving themes.

    Attributes:
        accepted_links: Links the marts accept.
        correct_links: Accepted links whose theme stands for the item's driving theme.
        driven_items: Backlog items with a planted driving theme.
        found_items: Of those, items with at least one correct accepted link.
        false_items: Items without a driving theme that got an accepted link.
        support_driven_items: Items the marts call support-driven.
        correct_driving_items: Of those, items whose driving theme (best accepted link) stands
            for the planted driving theme.
        quarters: Per-quarter shares.
    """

    accepted_links: int = 0
    correct_links: int = 0
    driven_items: int = 0
    found_items: int = 0
    false_items: int = 0
    support_driven_items: int = 0
    correct_driving_items: int = 0
    quarters: list[QuarterShare] = field(default_factory=list)

    @property
    def driving_precision(self) -> float:
        """Support-driven items whose driving theme is right / support-driven items."""
        return self.correct_driving_items / self.support_driven_items if self.support_driven_items else 1.0

    @property
    def precision(self) -> float:
        """Correct accepted links / accepted links (1.0 when nothing was accepted)."""
        return self.correct_links / self.accepted_links if self.accepted_links else 1.0

    @property
    def recall(self) -> float:
        """Driven items with a correct accepted link / driven items."""
        return self.found_items / self.driven_items if self.driven_items else 1.0

    @property
    def max_share_error(self) -> float:
        """Largest ``|measured - truth|`` over quarters with both."""
        errors = [q.error for q in self.quarters if q.error is not None]
        return max(errors, default=0.0)


def theme_truth(con: duckdb.DuckDBPyConnection, demo: Path) -> dict[str, str]:
    """Discovered theme id -> the planted theme slug most of its tickets carry."""
    with (demo / "truth" / "tickets.csv").open(newline="") as handle:
        planted = {row["ticket_id"]: row["theme"] for row in csv.DictReader(handle)}
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for ticket_id, theme_id in con.execute(
            "SELECT ticket_id, theme_id FROM topics.ticket_themes WHERE theme_id IS NOT NULL").fetchall():
        if ticket_id in planted:
            votes[theme_id][planted[ticket_id]] += 1
    return {theme_id: counter.most_common(1)[0][0] for theme_id, counter in votes.items()}


def item_truth(demo: Path) -> dict[str, dict[str, str]]:
    """Item id -> its row of ``truth/backlog_items.csv``."""
    with (demo / "truth" / "backlog_items.csv").open(newline="") as handle:
        return {row["item_id"]: row for row in csv.DictReader(handle)}


def evaluate_links(warehouse: Path, demo: Path) -> LinkEvaluation:
    """Compare ``marts.fct_theme_backlog_links`` and ``marts.fct_support_driven_share`` with the truth.

    Args:
        warehouse: A warehouse built from the demo export in ``demo``.
        demo: The ``closedloop demo-data`` output folder (with ``truth/``).
    """
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        themes = theme_truth(con, demo)
        items = item_truth(demo)
        links = con.execute("SELECT theme_id, item_id FROM marts.fct_theme_backlog_links WHERE is_accepted").fetchall()
        driving = con.execute("SELECT item_id, driving_theme_id FROM intermediate.int_backlog_items_attributed "
                              "WHERE is_support_driven").fetchall()
        shares = con.execute(
            "SELECT quarter_key, shipped_items, support_driven_share, support_driven_share_lower, "
            "support_driven_share_upper FROM marts.fct_support_driven_share ORDER BY quarter_key").fetchall()
    finally:
        con.close()
    result = LinkEvaluation(accepted_links=len(links), support_driven_items=len(driving))
    result.correct_driving_items = sum(
        1 for item_id, theme_id in driving
        if items.get(item_id, {}).get("driving_theme") and themes.get(theme_id) == items[item_id]["driving_theme"])
    found: set[str] = set()
    linked: set[str] = set()
    for theme_id, item_id in links:
        linked.add(item_id)
        driving_theme = items.get(item_id, {}).get("driving_theme", "")
        if driving_theme and themes.get(theme_id) == driving_theme:
            result.correct_links += 1
            found.add(item_id)
    driven = {item_id for item_id, row in items.items() if row["driving_theme"]}
    result.driven_items = len(driven)
    result.found_items = len(found & driven)
    result.false_items = len(linked - driven)
    with (demo / "truth" / "support_driven_share.csv").open(newline="") as handle:
        planted = {row["quarter"]: float(row["support_driven_share"]) if row["support_driven_share"] else None
                   for row in csv.DictReader(handle)}
    for quarter, shipped, share, lower, upper in shares:
        result.quarters.append(QuarterShare(quarter, int(shipped), share, lower, upper, planted.get(quarter)))
    return result


def pair_labels(con: duckdb.DuckDBPyConnection, demo: Path,
                table: str = "intermediate.int_theme_item_evidence_combined") -> list[tuple[str, str, bool]]:
    """``(theme_id, item_id, is_driving)`` for every evidence pair, for calibration."""
    themes = theme_truth(con, demo)
    items = item_truth(demo)
    out = []
    for theme_id, item_id in con.execute(f"SELECT theme_id, item_id FROM {table}").fetchall():
        driving = items.get(item_id, {}).get("driving_theme", "")
        out.append((theme_id, item_id, bool(driving) and themes.get(theme_id) == driving))
    return out
