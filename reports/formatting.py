"""How the report writes numbers; the HTML, the PDF and the summary share these."""

from __future__ import annotations

from collections.abc import Callable

NA = "n/a"


def _or_na(render: Callable[[float], str]) -> Callable[[float | None], str]:
    """``render`` for a number, ``n/a`` for a missing one."""

    def formatted(value: float | None) -> str:
        return NA if value is None else render(value)

    return formatted


count = _or_na(lambda v: f"{round(v):,}")
"""``3,355``."""
minutes = _or_na(lambda v: f"{v:.1f} min")
"""``2.7 min``."""
rate = _or_na(lambda v: f"{100 * v:.1f}%")
"""A share as a percentage with one decimal: ``92.2%``."""
csat = _or_na(lambda v: f"{v:.2f}")
"""A 1-5 average with two decimals: ``3.99``."""
score = _or_na(lambda v: f"{v:.1f}")
"""A 0-100 QA score with one decimal: ``81.3``."""
days = _or_na(lambda v: f"{v:.1f} days")
"""``4.2 days``."""


FORMATS = {"count": count, "minutes": minutes, "rate": rate, "csat": csat, "score": score}


def value(kind: str, number: float | None) -> str:
    """Format ``number`` as a KPI of ``kind``."""
    return FORMATS[kind](number)


def change(kind: str, current: float | None, other: float | None) -> str:
    """The change from ``other`` to ``current``: relative for counts, points for rates, units otherwise."""
    if current is None or other is None:
        return NA
    diff = current - other
    if kind == "count":
        return NA if other == 0 else f"{100 * diff / other:+.1f}%"
    if kind == "rate":
        return f"{100 * diff:+.1f} pp"
    if kind == "minutes":
        return f"{diff:+.1f} min"
    if kind == "csat":
        return f"{diff:+.2f}"
    return f"{diff:+.1f}"


def direction(current: float | None, other: float | None, better: str) -> str:
    """``better``, ``worse`` or ``same`` (rounded to the displayed precision is not considered)."""
    if current is None or other is None or current == other:
        return "same"
    up = current > other
    return "better" if up == (better == "higher") else "worse"
