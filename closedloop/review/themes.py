"""Themes as a reviewer sees them, and the parsing of split-off forms (tickets, keywords)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import duckdb

from closedloop.review.store import ReviewError


@dataclass(frozen=True)
class ThemeRow:
    """One live theme: id, name, tickets, keywords, whether it is ignored."""

    theme_id: str
    name: str
    label: str | None
    tickets: int
    keywords: tuple[str, ...]
    ignored: bool


def theme_rows(con: duckdb.DuckDBPyConnection) -> list[ThemeRow]:
    """Every theme that is not retired, the largest first (ignored ones included, marked)."""
    from topics.store import ensure_schema

    ensure_schema(con)
    rows = con.execute("""
        select t.theme_id, coalesce(t.human_name, t.label, t.theme_id), t.label, count(tt.ticket_id), t.keywords,
               coalesce(t.is_ignored, false)
        from topics.themes as t
        left join topics.ticket_themes as tt on tt.theme_id = t.theme_id
        where coalesce(t.is_retired, false) = false
        group by all
        order by count(tt.ticket_id) desc, t.theme_id
    """).fetchall()
    return [ThemeRow(r[0], r[1], r[2], int(r[3]), tuple(json.loads(r[4] or "[]")), bool(r[5])) for r in rows]


def parse_ticket_ids(text: str) -> tuple[str, ...]:
    """Ticket ids separated by commas, spaces or new lines (duplicates dropped, order kept)."""
    return tuple(dict.fromkeys(t for t in re.split(r"[\s,;]+", text) if t))


def pattern_from_keywords(text: str) -> str | None:
    """A case-insensitive pattern matching any of the comma-separated keywords or phrases (as words)."""
    words = [w.strip() for w in text.split(",") if w.strip()]
    if not words:
        return None
    if any(len(w) > 100 for w in words):
        raise ReviewError("keywords: each keyword or phrase must be at most 100 characters (keywords)")
    return r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b"
