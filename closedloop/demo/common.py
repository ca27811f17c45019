"""Shared helpers for the demo generator: the period, seeded random streams, time formatting.

Every random number in the demo comes from a stream derived from the user's seed and a fixed
stream name, so adding draws to one stage never shifts another stage's numbers.
"""

from __future__ import annotations

import calendar
import random
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

DAY = 86_400
HOUR = 3_600
MINUTE = 60


def np_stream(seed: int, name: str) -> np.random.Generator:
    """Return a numpy generator for one named stream of ``seed``."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def py_stream(seed: int, name: str, index: int = 0) -> random.Random:
    """Return a ``random.Random`` for one named (and optionally numbered) stream of ``seed``."""
    return random.Random(seed * 1_000_003 + zlib.crc32(name.encode()) * 7_919 + index)


def to_ts(day: date) -> int:
    """Return the Unix timestamp (seconds) of midnight UTC on ``day``."""
    return calendar.timegm(day.timetuple())


def to_date(ts: int) -> date:
    """Return the UTC calendar date of a Unix timestamp."""
    return datetime.fromtimestamp(ts, tz=UTC).date()


def add_quarters(day: date, quarters: int) -> date:
    """Return ``day`` moved forward by whole quarters (day of month kept, clamped to 28)."""
    months = day.month - 1 + 3 * quarters
    return date(day.year + months // 12, months % 12 + 1, min(day.day, 28))


def quarter_label(day: date) -> str:
    """Return the calendar quarter of ``day`` as ``2024Q1``."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class Period:
    """The simulated period: ``[start, end)`` in whole UTC days.

    Attributes:
        start: First day.
        end: Day after the last day (the export is taken at midnight UTC of this day).
    """

    start: date
    end: date

    @classmethod
    def of(cls, start: date, quarters: int) -> Period:
        """Return the period of ``quarters`` quarters from ``start``."""
        return cls(start, add_quarters(start, quarters))

    @property
    def start_ts(self) -> int:
        """Unix timestamp of the start."""
        return to_ts(self.start)

    @property
    def end_ts(self) -> int:
        """Unix timestamp of the end (exclusive)."""
        return to_ts(self.end)

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days

    def day(self, index: int) -> date:
        """Return the date of day ``index`` of the period."""
        return self.start + timedelta(days=index)

    def quarters(self) -> list[str]:
        """Return the quarter labels the period touches, in order."""
        labels: list[str] = []
        for i in range(self.days):
            label = quarter_label(self.day(i))
            if not labels or labels[-1] != label:
                labels.append(label)
        return labels


class Clock:
    """Fast, cached formatting of Unix timestamps in the two export styles."""

    def __init__(self) -> None:
        """Create an empty day cache and the table of the day's 86,400 clock times."""
        self._days: dict[int, str] = {}
        self._times = [
            f"T{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)
        ]

    def iso(self, ts: int) -> str:
        """Return Zendesk style ``2024-03-01T09:14:03Z``."""
        day, rest = divmod(ts, DAY)
        text = self._days.get(day)
        if text is None:
            text = (date(1970, 1, 1) + timedelta(days=day)).isoformat()
            self._days[day] = text
        return text + self._times[rest] + "Z"

    def jira(self, ts: int) -> str:
        """Return Jira style ``2024-03-01T09:14:03.000+0000``."""
        return self.iso(ts)[:-1] + ".000+0000"


def weighted(rng: random.Random, items: tuple[str, ...] | list[str], weights: list[float]) -> str:
    """Return one of ``items`` drawn with ``weights``."""
    return rng.choices(items, weights)[0]
