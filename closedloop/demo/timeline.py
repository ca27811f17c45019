"""Daily ticket volume per theme: growth, drift, incident spikes and fix-driven drops.

Each fixable theme goes through *fix cycles*: its volume builds up (a new bug or confusing flow
starts generating tickets), a backlog item is created a few weeks later, the item ships, and
within one to two weeks the extra volume disappears. Incidents are short spikes (one to three
weeks) that have nothing to do with backlog items.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from closedloop.demo.common import DAY, HOUR, Period, np_stream
from closedloop.demo.themes import OTHER, OTHER_SHARE, THEMES

HOURLY = np.array([
    30, 30, 34, 38, 40, 40, 40, 40, 42, 44, 46, 48, 50, 56, 58, 58, 54, 46, 40, 36, 34, 32, 31, 30,
], dtype=float)
"""Arrivals by UTC hour (Asia mornings, a peak 13-16 UTC when Europe and the Americas overlap)."""
WEEKDAY = np.array([1.0, 1.0, 1.0, 1.0, 0.97, 0.85, 0.8])
DROP_LAG = (2, 8)
"""Days after the ship date before the extra volume starts to fall (it is gone 5 days later)."""
DROP_RAMP = 5


@dataclass(frozen=True)
class Incident:
    """A planted spike: volume of ``theme`` jumps to ``1 + amplitude`` times its level and decays."""

    theme: int
    start_day: int
    days: int
    amplitude: float


@dataclass(frozen=True)
class FixCycle:
    """A build-up of one theme's volume that a shipped backlog item removes.

    Attributes:
        theme: Theme index.
        build_day: Day the extra volume starts to build.
        created_day: Day the backlog item(s) were created.
        shipped_day: Day the item shipped (may be past the period: not shipped yet).
        drop_day: Day the extra volume starts to fall.
        amplitude: Extra volume once built up (a week before the item is created), as a
            multiple of the theme's baseline; it stays until the drop.
        residual: Share of the extra volume that stays after the fix.
        items: Number of backlog items behind the fix (1 or 2).
    """

    theme: int
    build_day: int
    created_day: int
    shipped_day: int
    drop_day: int
    amplitude: float
    residual: float
    items: int


@dataclass(frozen=True)
class Timeline:
    """Expected daily volume per theme and what shaped it."""

    period: Period
    weights: np.ndarray
    load: np.ndarray
    incidents: tuple[Incident, ...]
    cycles: tuple[FixCycle, ...]


def _cycles(rng: np.random.Generator, days: int) -> list[FixCycle]:
    cycles: list[FixCycle] = []
    for k, theme in enumerate(THEMES):
        if not theme.fixable:
            continue
        build = int(rng.integers(0, 60))
        while build < days - 60:
            created = build + int(rng.integers(21, 43))
            shipped = created + int(rng.integers(21, 64))
            drop = shipped + int(rng.integers(*DROP_LAG))
            amp = float(rng.uniform(1.3, 2.2))
            cycles.append(FixCycle(k, build, created, shipped, drop, amp,
                                   float(rng.uniform(0.0, 0.1)), 1 + int(rng.random() < 0.4)))
            build = shipped + int(rng.integers(45, 151))
    return cycles


def _incidents(
    rng: np.random.Generator, days: int, quarters: int, cycles: list[FixCycle]
) -> list[Incident]:
    out: list[Incident] = []
    for k, theme in enumerate(THEMES):
        count = theme.incidents * (1 + int(quarters >= 6 and rng.random() < 0.4))
        busy = [(c.build_day - 14, c.drop_day + 35) for c in cycles if c.theme == k]
        for _ in range(count):
            for _attempt in range(200):
                start = int(rng.integers(14, max(15, days - 30)))
                length = int(rng.integers(7, 22))
                first, last = start - 30, start + length + 30
                if all(last < lo or first > hi for lo, hi in busy):
                    out.append(Incident(k, start, length, float(rng.uniform(2.0, 4.0))))
                    busy.append((start - 60, start + length + 60))
                    break
    return out


def build_timeline(seed: int, period: Period, quarters: int) -> Timeline:
    """Plan volume, incidents and fix cycles for the period."""
    rng = np_stream(seed, "timeline")
    days = period.days
    t = np.arange(days, dtype=float)
    growth = (1.0 + 0.9 * t / days) * (1.0 + 0.12 * np.sin(2 * np.pi * t / 182.5))
    weekday = WEEKDAY[(np.arange(days) + period.start.weekday()) % 7]
    cycles = _cycles(rng, days)
    incidents = _incidents(rng, days, quarters, cycles)
    base = np.zeros((days, len(THEMES)))
    extra = np.zeros((days, len(THEMES)))
    spikes = np.zeros((days, len(THEMES)))
    for k, theme in enumerate(THEMES):
        slope = rng.uniform(-0.5, 0.5)
        base[:, k] = theme.weight * np.exp(slope * t / days)
    for c in cycles:
        built = max(c.created_day - 7, c.build_day + 1)
        rise = np.clip((t - c.build_day) / (built - c.build_day), 0, 1) * c.amplitude
        fall = np.clip((t - c.drop_day) / DROP_RAMP, 0, 1) * c.amplitude * (1 - c.residual)
        extra[:, c.theme] += np.where(t < c.build_day, 0.0, rise - fall)
    for inc in incidents:
        dt = t - inc.start_day
        ramp = np.clip((dt + 1) / 2, 0, 1)
        spike = inc.amplitude * ramp * np.exp(-3.0 * np.clip(dt, 0, None) / inc.days)
        spikes[:, inc.theme] += np.where((dt >= -1) & (dt < inc.days), spike, 0.0)
    weights = base * (1.0 + extra) * (1.0 + spikes)
    others = weights.sum(axis=1) - weights[:, OTHER]
    weights[:, OTHER] = others * OTHER_SHARE / (1 - OTHER_SHARE)
    weights *= (growth * weekday)[:, None]
    raw_load = weights.sum(axis=1) / (growth * weekday * base.sum(axis=1))
    load = raw_load / np.median(raw_load)
    return Timeline(period, weights, load, tuple(incidents), tuple(cycles))


def arrivals(seed: int, timeline: Timeline, tickets: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw exactly ``tickets`` creation times and themes, sorted by time.

    Returns:
        ``(created_ts, theme)``: int64 Unix seconds and int8 theme indices, time ordered.
    """
    rng = np_stream(seed, "arrivals")
    days, k = timeline.weights.shape
    p = (timeline.weights / timeline.weights.sum()).ravel()
    counts = rng.multinomial(tickets, p)
    cell = np.repeat(np.arange(days * k), counts)
    day, theme = np.divmod(cell, k)
    hour = rng.choice(24, size=tickets, p=HOURLY / HOURLY.sum())
    second = rng.integers(0, HOUR, size=tickets)
    ts = timeline.period.start_ts + day.astype(np.int64) * DAY + hour * HOUR + second
    order = np.lexsort((theme, ts))
    return ts[order].astype(np.int64), theme[order].astype(np.int8)
