"""Charts as PNG images that stay readable in black and white.

Series differ by hatch, marker and line style and carry direct labels; no meaning rests on
colour alone. Uses matplotlib's non-interactive Agg backend.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any, cast

import matplotlib as mpl

mpl.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from reports.data import ReportData
from reports.quarters import Quarter

DPI = 150
STYLE = {"font.size": 9, "axes.spines.top": False, "axes.spines.right": False, "axes.edgecolor": "black",
         "axes.labelcolor": "black", "xtick.color": "black", "ytick.color": "black", "hatch.linewidth": 0.6}
DARK, MID, LIGHT = "#333333", "#8c8c8c", "#d9d9d9"


@dataclass(frozen=True)
class Chart:
    """A rendered chart: a name, a caption naming its sources, and the PNG bytes."""

    name: str
    title: str
    caption: str
    png: bytes
    width_in: float
    height_in: float


def _style() -> Any:
    """Matplotlib settings for every chart (black text and edges, no top/right spines)."""
    return plt.rc_context(cast(Any, STYLE))


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    return buffer.getvalue()


def _volume_and_sla(data: ReportData) -> Chart:
    history = data.history
    keys = [r["quarter_key"] for r in history]
    current = keys.index(data.quarter.key)
    with _style():
        fig, (left, right) = plt.subplots(1, 2, figsize=(8.0, 2.9))
        tickets = [r["tickets_resolved"] or 0 for r in history]
        partial = [not data.coverage.covers(Quarter.parse(k)) for k in keys]
        bars = left.bar(keys, tickets, color=LIGHT, edgecolor="black", linewidth=0.6)
        bars[current].set_facecolor(MID)
        bars[current].set_hatch("///")
        for bar, n, part in zip(bars, tickets, partial, strict=True):
            left.annotate(f"{n:,}{'*' if part else ''}", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                          ha="center", va="bottom", fontsize=7, xytext=(0, 2), textcoords="offset points")
        note = "; *: quarter partly covered by the data" if any(partial) else ""
        left.set_title(f"Tickets resolved per quarter (hatched: this report{note})", fontsize=8)
        left.tick_params(axis="x", rotation=45, labelsize=7)
        left.set_ylim(0, max([1, *tickets]) * 1.15)

        rates = [100 * r["sla_attainment_rate"] if r["sla_attainment_rate"] is not None else None for r in history]
        right.plot(keys, rates, color="black", marker="o", linestyle="-", linewidth=1.2)
        if rates[current] is not None:
            right.plot([keys[current]], [rates[current]], marker="s", markersize=9, markerfacecolor="white",
                       markeredgecolor="black", linestyle="none")
        for x, y in zip(keys, rates, strict=True):
            if y is not None:
                right.annotate(f"{y:.1f}%", (x, y), ha="center", va="bottom", fontsize=7, xytext=(0, 4),
                               textcoords="offset points")
        valid = [r for r in rates if r is not None]
        if valid:
            right.set_ylim(max(0.0, min(valid) - 5), min(100.0, max(valid) + 4))
        else:  # no first response recorded in any quarter (a feedback source without agent replies)
            right.text(0.5, 0.5, "no first responses recorded", ha="center", va="center", fontsize=8,
                       transform=right.transAxes)
        right.set_title(f"SLA attainment (first response within {data.sla_minutes} business min)", fontsize=9)
        right.set_ylabel("% of tickets with an SLA outcome")
        right.tick_params(axis="x", rotation=45, labelsize=7)
        fig.tight_layout()
        return Chart("volume_sla", "Volume and SLA attainment",
                     "marts.fct_support_quarterly: tickets_resolved, sla_attainment_rate, every quarter.",
                     _png(fig), 8.0, 2.9)


def _first_response(data: ReportData) -> Chart | None:
    history = data.history
    keys = [r["quarter_key"] for r in history]
    median = [_nan(r["median_first_response_minutes"]) for r in history]
    p90 = [_nan(r["p90_first_response_minutes"]) for r in history]
    if all(math.isnan(v) for v in median):  # no agent replies in any quarter: the summary says so
        return None
    with _style():
        fig, ax = plt.subplots(figsize=(8.0, 2.8))
        ax.plot(keys, p90, color="black", marker="s", linestyle="--", linewidth=1.2)
        ax.plot(keys, median, color="black", marker="o", linestyle="-", linewidth=1.2)
        ax.axhline(data.sla_minutes, color="black", linestyle=":", linewidth=1)
        last = len(keys) - 1
        ax.annotate(f"SLA {data.sla_minutes} min (judged in business min)", (last, data.sla_minutes), xytext=(8, 0),
                    textcoords="offset points", va="center", fontsize=8)
        for label, series in (("p90", p90), ("median", median)):
            if not math.isnan(series[last]):
                ax.annotate(label, (last, series[last]), xytext=(8, 0), textcoords="offset points", va="center",
                            fontsize=8)
        i = keys.index(data.quarter.key)
        for series in (median, p90):
            if not math.isnan(series[i]):
                ax.annotate(f"{series[i]:.1f}", (i, series[i]), xytext=(0, 6), textcoords="offset points",
                            ha="center", fontsize=7, fontweight="bold")
        ax.set_ylim(0, max([data.sla_minutes, *[v for v in p90 if not math.isnan(v)]]) * 1.2)
        ax.set_xlim(-0.5, last + 1.3)
        ax.set_ylabel("minutes")
        ax.set_title(f"First response, calendar minutes (values shown for {data.quarter.key})", fontsize=9)
        ax.tick_params(axis="x", rotation=45, labelsize=7)
        fig.tight_layout()
        return Chart("first_response", "First response against the SLA",
                     "marts.fct_support_quarterly: median_first_response_minutes, p90_first_response_minutes; "
                     "marts.fct_tickets: sla_target_minutes.", _png(fig), 8.0, 2.8)


def _nan(value: float | None) -> float:
    """``value``, or NaN for a quarter without it (matplotlib leaves a gap)."""
    return math.nan if value is None else float(value)


def _themes(data: ReportData) -> Chart | None:
    rows = [*data.rising, *reversed(data.declining)]
    if not rows:
        return None
    with _style():
        height = 0.8 + 0.32 * len(rows)
        fig, ax = plt.subplots(figsize=(8.0, height))
        names = [r.theme_name if len(r.theme_name) <= 48 else r.theme_name[:47] + "…" for r in rows]
        changes = [r.change for r in rows]
        y = list(range(len(rows)))[::-1]
        for yi, row, delta in zip(y, rows, changes, strict=True):
            rising = delta > 0
            ax.barh(yi, delta, color=MID if rising else "white", edgecolor="black", linewidth=0.6,
                    hatch="///" if rising else "...")
            ax.annotate(f"{delta:+d} ({row.previous_tickets}→{row.tickets})", (delta, yi),
                        xytext=(4 if rising else -4, 0), textcoords="offset points", va="center",
                        ha="left" if rising else "right", fontsize=7)
        ax.set_yticks(y, names, fontsize=7)
        span = max(abs(c) for c in changes)
        ax.set_xlim(-span * 1.6, span * 1.6)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel(f"change in tickets, {data.quarter.previous.key} → {data.quarter.key} "
                      f"(hatched ///: rising, dotted: declining)")
        ax.set_title("Top rising and declining themes", fontsize=9)
        fig.tight_layout()
        return Chart("themes", "Rising and declining themes",
                     "marts.fct_theme_weekly: tickets summed per theme and quarter; marts.dim_themes: theme_name.",
                     _png(fig), 8.0, height)


def _support_driven(data: ReportData) -> Chart | None:
    sd = data.support_driven
    history = [r for r in sd.history if r.get("support_driven_share") is not None]
    if not sd.available or not history:
        return None
    with _style():
        fig, ax = plt.subplots(figsize=(8.0, 2.6))
        keys = [r["quarter_key"] for r in history]
        share = [100 * float(r["support_driven_share"]) for r in history]
        lower = [100 * float(r.get("support_driven_share_lower") or r["support_driven_share"]) for r in history]
        upper = [100 * float(r.get("support_driven_share_upper") or r["support_driven_share"]) for r in history]
        errors = [[s - lo for s, lo in zip(share, lower, strict=True)],
                  [u - s for s, u in zip(share, upper, strict=True)]]
        bars = ax.bar(keys, share, color=LIGHT, edgecolor="black", linewidth=0.6, yerr=errors, capsize=3,
                      error_kw={"elinewidth": 0.8})
        if data.quarter.key in keys:
            bars[keys.index(data.quarter.key)].set_hatch("///")
            bars[keys.index(data.quarter.key)].set_facecolor(MID)
        for bar, s, u, r in zip(bars, share, upper, history, strict=True):
            ax.annotate(f"{s:.0f}% ({r['support_driven_items']}/{r['shipped_items']})",
                        (bar.get_x() + bar.get_width() / 2, max(s, u)), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=7)
        ax.set_ylim(0, 112)
        ax.set_ylabel("% of shipped items")
        ax.set_title("Support-driven share of shipped improvements "
                     "(whiskers: interval from link uncertainty; hatched: this report)", fontsize=9)
        ax.tick_params(axis="x", rotation=45, labelsize=7)
        fig.tight_layout()
        return Chart("support_driven", "Support-driven share",
                     "marts.fct_support_driven_share: support_driven_share, _lower, _upper, shipped_items, "
                     "support_driven_items.", _png(fig), 8.0, 2.6)


def build_charts(data: ReportData) -> dict[str, Chart]:
    """Every chart the report shows, by name (charts without data are left out)."""
    charts = [_volume_and_sla(data), _first_response(data), _themes(data), _support_driven(data)]
    return {c.name: c for c in charts if c is not None}

