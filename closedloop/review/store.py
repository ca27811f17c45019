"""The ``review`` schema: link and theme decisions, users and the audit trail, and how decisions are applied.

Link decisions are read by dbt (source ``review.link_decisions`` -> ``stg_review__link_decisions``)
on every run. Theme decisions are written into ``topics.theme_edits`` on every run by
:func:`sync_theme_edits` (edit ids from :data:`REVIEW_EDIT_BASE` up belong to the review; rows below
it, written by hand, are left alone) and the theme step applies them at its next fit. Every decision
is appended to ``review.audit`` with who, when and the state before and after (JSON). Times are UTC.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import duckdb

from closedloop.core.errors import ClosedloopError
from closedloop.core.warehouse import connect

LinkDecision = Literal["confirmed", "rejected"]
ThemeAction = Literal["rename", "merge", "split_off", "ignore"]
REVIEW_EDIT_BASE = 1_000_000
"""``topics.theme_edits.edit_id`` of review decision ``n`` is ``REVIEW_EDIT_BASE + n``."""

SCHEMA_DDL: tuple[str, ...] = (
    "CREATE SCHEMA IF NOT EXISTS review",
    """CREATE TABLE IF NOT EXISTS review.link_decisions (
  item_id VARCHAR NOT NULL, theme_id VARCHAR NOT NULL, decision VARCHAR NOT NULL, reviewer VARCHAR NOT NULL,
  reviewed_at TIMESTAMP NOT NULL, note VARCHAR, PRIMARY KEY (item_id, theme_id)
)""",
    """CREATE TABLE IF NOT EXISTS review.theme_decisions (
  decision_id INTEGER PRIMARY KEY, action VARCHAR NOT NULL, theme_id VARCHAR NOT NULL, name VARCHAR,
  into_theme_id VARCHAR, pattern VARCHAR, ticket_ids VARCHAR, decided_by VARCHAR NOT NULL,
  decided_at TIMESTAMP NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS review.audit (
  audit_id INTEGER PRIMARY KEY, recorded_at TIMESTAMP NOT NULL, who VARCHAR NOT NULL, kind VARCHAR NOT NULL,
  action VARCHAR NOT NULL, subject VARCHAR NOT NULL, before_json VARCHAR, after_json VARCHAR
)""",
    """CREATE TABLE IF NOT EXISTS review.users (
  name VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, password_hash VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL
)""",
)
"""Statements that create the schema (idempotent)."""


class ReviewError(ClosedloopError):
    """A decision that cannot be recorded (unknown link or theme, missing name, ...)."""


class WarehouseBusyError(ReviewError):
    """Another process (a ``closedloop run``) holds the warehouse."""


@contextmanager
def open_review(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse for one short piece of work, with the ``review`` schema; closed at the end.

    Raises:
        WarehouseBusyError: A run is writing the warehouse (DuckDB allows one writing process).
    """
    try:
        con = connect(warehouse)
    except duckdb.IOException as exc:
        raise WarehouseBusyError(f"{warehouse}: another process is writing the warehouse (a run?); "
                                 f"try again when it is done ({exc})") from exc
    try:
        ensure_review_schema(con)
        yield con
    finally:
        con.close()


@dataclass(frozen=True)
class ThemeDecision:
    """One decision about a theme, in warehouse ids (``T0007``).

    Attributes:
        action: ``rename``, ``merge`` (into ``into_theme_id``), ``split_off`` (tickets listed in
            ``ticket_ids`` or matching ``pattern`` become a new theme ``name``) or ``ignore``.
        theme_id: The theme decided about.
        name: New name (rename, split_off).
        into_theme_id: Merge target.
        pattern: Case-insensitive regular expression over ticket text (split_off).
        ticket_ids: Tickets to move (split_off).
    """

    action: ThemeAction
    theme_id: str
    name: str | None = None
    into_theme_id: str | None = None
    pattern: str | None = None
    ticket_ids: tuple[str, ...] = ()


def now_utc() -> datetime:
    """The current UTC time without a zone (how the warehouse stores times)."""
    return datetime.now(UTC).replace(tzinfo=None)


def ensure_review_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ``review`` schema and its tables when missing."""
    for statement in SCHEMA_DDL:
        con.execute(statement)


def audit(con: duckdb.DuckDBPyConnection, who: str, kind: str, action: str, subject: str,
          before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    """Append one row to ``review.audit``."""
    row = con.execute("select coalesce(max(audit_id), 0) + 1 from review.audit").fetchone()
    con.execute("insert into review.audit values (?, ?, ?, ?, ?, ?, ?, ?)",
                [row[0] if row else 1, now_utc(), who, kind, action, subject,
                 None if before is None else json.dumps(before, default=str, sort_keys=True),
                 None if after is None else json.dumps(after, default=str, sort_keys=True)])


def decide_link(con: duckdb.DuckDBPyConnection, item_id: str, theme_id: str, decision: LinkDecision, who: str,
                note: str | None = None, before_state: dict[str, Any] | None = None) -> None:
    """Record (or replace) the decision on one theme-item link, and audit it.

    Args:
        con: Open warehouse connection.
        item_id: Backlog item id.
        theme_id: Theme id (``T0007``), or ``*`` for every automatic link of the item.
        decision: ``confirmed`` or ``rejected``.
        who: The reviewer.
        note: Free text kept with the decision.
        before_state: What the link looked like before (score, accepted), for the audit.
    """
    if decision not in ("confirmed", "rejected"):
        raise ReviewError(f"link {theme_id}:{item_id}: decision must be confirmed or rejected, not {decision!r}")
    ensure_review_schema(con)
    previous = con.execute("select decision, reviewer, reviewed_at from review.link_decisions "
                           "where item_id = ? and theme_id = ?", [item_id, theme_id]).fetchone()
    before = dict(before_state or {})
    before["decision"] = previous[0] if previous else None
    when = now_utc()
    con.execute("begin")
    con.execute("insert or replace into review.link_decisions values (?, ?, ?, ?, ?, ?)",
                [item_id, theme_id, decision, who, when, note])
    audit(con, who, "link", decision, f"{theme_id}:{item_id}", before,
          {"decision": decision, "reviewer": who, "reviewed_at": when.isoformat(), "note": note})
    con.execute("commit")


def _live_themes(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    from topics.store import ensure_schema

    ensure_schema(con)
    rows = con.execute("select theme_id, coalesce(human_name, label), size, is_ignored from topics.themes "
                       "where coalesce(is_retired, false) = false").fetchall()
    return {r[0]: {"name": r[1], "size": r[2], "ignored": bool(r[3])} for r in rows}


def _check_theme_decision(con: duckdb.DuckDBPyConnection, d: ThemeDecision, themes: dict[str, dict[str, Any]]) -> None:
    """Raise :class:`ReviewError` naming the field when the decision cannot apply to today's themes."""
    if d.action not in ("rename", "merge", "split_off", "ignore"):
        raise ReviewError(f"theme {d.theme_id}: action must be rename, merge, split_off or ignore, not {d.action!r}")
    if d.theme_id not in themes:
        raise ReviewError(f"theme {d.theme_id}: no such theme (theme_id)")
    if d.action in ("rename", "split_off") and not (d.name or "").strip():
        raise ReviewError(f"theme {d.theme_id}: {d.action} needs a name (name)")
    if d.action == "merge" and (d.into_theme_id not in themes or d.into_theme_id == d.theme_id):
        raise ReviewError(f"theme {d.theme_id}: merge target {d.into_theme_id!r} is not another theme (into_theme_id)")
    if d.action == "split_off":
        if not d.pattern and not d.ticket_ids:
            raise ReviewError(f"theme {d.theme_id}: split needs tickets or keywords (ticket_ids, pattern)")
        members = {r[0] for r in con.execute("select ticket_id from topics.ticket_themes where theme_id = ?",
                                             [d.theme_id]).fetchall()}
        foreign = [t for t in d.ticket_ids if t not in members]
        if foreign:
            raise ReviewError(f"theme {d.theme_id}: tickets not in this theme (ticket_ids): {', '.join(foreign[:10])}")


def decide_theme(con: duckdb.DuckDBPyConnection, decision: ThemeDecision, who: str) -> int:
    """Validate, record and audit a theme decision; returns its id. It applies at the next run."""
    ensure_review_schema(con)
    themes = _live_themes(con)
    _check_theme_decision(con, decision, themes)
    row = con.execute("select coalesce(max(decision_id), 0) + 1 from review.theme_decisions").fetchone()
    decision_id = int(row[0]) if row else 1
    when = now_utc()
    after = {"action": decision.action, "theme_id": decision.theme_id, "name": decision.name,
             "into_theme_id": decision.into_theme_id, "pattern": decision.pattern,
             "ticket_ids": list(decision.ticket_ids), "decision_id": decision_id}
    con.execute("begin")
    con.execute("insert into review.theme_decisions values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [decision_id, decision.action, decision.theme_id, decision.name, decision.into_theme_id,
                 decision.pattern, json.dumps(list(decision.ticket_ids)) if decision.ticket_ids else None, who, when])
    before = dict(themes[decision.theme_id], theme_id=decision.theme_id)
    if decision.into_theme_id:
        before["into"] = dict(themes[decision.into_theme_id], theme_id=decision.into_theme_id)
    audit(con, who, "theme", decision.action, decision.theme_id, before, after)
    con.execute("commit")
    return decision_id


def theme_decisions(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every theme decision, oldest first."""
    ensure_review_schema(con)
    cursor = con.execute("select * from review.theme_decisions order by decision_id")
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _local(utc: datetime) -> datetime:
    """A UTC time as the local wall-clock time the theme step stamps its fits with."""
    return utc.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def sync_theme_edits(con: duckdb.DuckDBPyConnection) -> int:
    """Rewrite the review's rows of ``topics.theme_edits`` from ``review.theme_decisions``; returns their count.

    Each edit keeps its decision's time as ``created_at``, so the theme step refits once after a new
    decision and not on every run.
    """
    from topics.store import ensure_schema

    ensure_schema(con)
    ensure_review_schema(con)
    decisions = theme_decisions(con)
    rows: list[Sequence[Any]] = [
        (REVIEW_EDIT_BASE + d["decision_id"], d["action"], int(str(d["theme_id"]).lstrip("T")), d["name"],
         int(str(d["into_theme_id"]).lstrip("T")) if d["into_theme_id"] else None, d["pattern"], d["ticket_ids"],
         _local(d["decided_at"]))
        for d in decisions]
    con.execute("begin")
    con.execute("delete from topics.theme_edits where edit_id >= ?", [REVIEW_EDIT_BASE])
    if rows:
        con.executemany("insert into topics.theme_edits (edit_id, action, theme_id, name, into_theme_id, pattern, "
                        "ticket_ids, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("commit")
    return len(rows)
