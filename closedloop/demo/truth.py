"""Planted facts in ``truth/``.

Aggregates recomputable from ``truth/tickets.csv`` and the backlog plan, plus a README that
defines every file and column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np

from closedloop.demo.backlog import Backlog
from closedloop.demo.common import Period, quarter_label, to_date
from closedloop.demo.themes import THEMES
from closedloop.demo.timeline import Timeline
from closedloop.demo.writers import csv_writer, flag, open_text

SLA_MINUTES = 10


@dataclass(frozen=True)
class Outcomes:
    """Per-ticket outcomes gathered while writing tickets, for the quarterly aggregates.

    ``frt_minutes`` is NaN where there was no human first response; ``rating`` is 0 where the
    survey was not answered.
    """

    quarter: np.ndarray
    frt_minutes: np.ndarray
    bot_resolved: np.ndarray
    survey_sent: np.ndarray
    rating: np.ndarray
    escalated: np.ndarray


def _num(value: float | None) -> str:
    return "" if value is None or np.isnan(value) else f"{value:.6f}"


def write_operations(path: Path, labels: list[str], o: Outcomes) -> None:
    """Write ``operations_quarterly.csv`` (one row per quarter of the final solve)."""
    with open_text(path) as handle:
        writer = csv_writer(handle, (
            "quarter", "tickets_resolved", "median_first_response_minutes",
            "p90_first_response_minutes", "sla_breach_rate", "feedback_coverage", "csat_avg",
            "csat_response_rate", "bot_containment_rate", "escalation_rate"))
        for q, label in enumerate(labels):
            mask = o.quarter == q
            n = int(mask.sum())
            frt = o.frt_minutes[mask]
            frt = frt[~np.isnan(frt)]
            sent = int(o.survey_sent[mask].sum())
            ratings = o.rating[mask]
            answered = ratings[ratings > 0]
            writer.writerow([
                label, n,
                _num(float(np.median(frt)) if len(frt) else None),
                _num(float(np.percentile(frt, 90)) if len(frt) else None),
                _num(float((frt > SLA_MINUTES).mean()) if len(frt) else None),
                _num(sent / n if n else None),
                _num(float(answered.mean()) if len(answered) else None),
                _num(len(answered) / sent if sent else None),
                _num(float(o.bot_resolved[mask].mean()) if n else None),
                _num(float(o.escalated[mask].mean()) if n else None),
            ])


def write_backlog_truth(
    truth: Path, backlog: Backlog, period: Period, clock_iso: Callable[[int], str]
) -> None:
    """Write ``backlog_items.csv`` and ``support_driven_share.csv``."""
    with open_text(truth / "backlog_items.csv") as handle:
        writer = csv_writer(handle, (
            "item_id", "item_type", "status", "created_at", "shipped_at", "is_improvement",
            "driving_theme", "link_style", "expected_ticket_drop"))
        for item in backlog.items:
            theme = THEMES[item.theme].slug if item.theme is not None else ""
            writer.writerow([
                item.key, item.item_type.lower(), item.status, clock_iso(item.created),
                clock_iso(item.shipped) if item.shipped is not None else "",
                flag(item.is_improvement), theme, item.link_style,
                flag(item.is_improvement and item.theme is not None),
            ])
    with open_text(truth / "support_driven_share.csv") as handle:
        writer = csv_writer(handle, ("quarter", "shipped_improvements",
                                     "support_driven_improvements", "support_driven_share"))
        for label in period.quarters():
            shipped = [i for i in backlog.items if i.is_improvement
                       and quarter_label(to_date(i.shipped or 0)) == label]
            driven = sum(1 for i in shipped if i.theme is not None)
            writer.writerow([label, len(shipped), driven,
                             _num(driven / len(shipped) if shipped else None)])


def _weeks(period: Period, start_day: int, days: int) -> list[str]:
    weeks: list[str] = []
    for d in range(start_day, min(start_day + days, period.days)):
        year, week, _ = (period.start + timedelta(days=d)).isocalendar()
        label = f"{year}-W{week:02d}"
        if label not in weeks:
            weeks.append(label)
    return weeks


def write_themes(path: Path, timeline: Timeline, backlog: Backlog) -> None:
    """Write ``themes.csv``: definitions, incident weeks and shipped fixes per theme."""
    with open_text(path) as handle:
        writer = csv_writer(handle, ("theme", "name", "description", "incident_weeks",
                                     "fix_item_ids", "fix_shipped_dates"))
        for k, theme in enumerate(THEMES):
            weeks: list[str] = []
            for inc in timeline.incidents:
                if inc.theme == k:
                    weeks += _weeks(timeline.period, inc.start_day, inc.days)
            fixes = [i for i in backlog.items if i.theme == k and i.is_improvement]
            writer.writerow([
                theme.slug, theme.name, theme.description, ";".join(weeks),
                ";".join(i.key for i in fixes),
                ";".join(to_date(i.shipped or 0).isoformat() for i in fixes),
            ])
