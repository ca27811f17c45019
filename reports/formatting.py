"""How the report writes numbers; the HTML, the PDF and the summary share these."""

from __future__ import annotations

NA = "n/a"


def count(value: float | None) -> str:
    """``3,355``."""
    return NA if value is None else f"{round(value):,}"


def minutes(value: float | None) -> str:
    """``2.7 min``."""
    return NA if value is None else f"{value:.1f} min"


def rate(value: float | None) -> str:
    """A share as a percentage with one decimal: ``92.2%``."""
    return NA if value is None else f"{100 * value:.1f}%"


def csat(value: float | None) -> str:
    """A 1-5 average with two decimals: ``3.99``."""
    return NA if value is None else f"{value:.2f}"


def score(value: float | None) -> str:
    """A 0-100 QA score with one decimal: ``81.3``."""
    return NA if value is None else f"{value:.1f}"


def days(value: float | None) -> str:
    """``4.2 days``."""
    return NA if value is None else f"{value:.1f} days"


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
