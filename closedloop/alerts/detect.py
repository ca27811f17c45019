"""Find what is news in the warehouse: theme spikes, new emerging themes, quarantined rows.

Spikes are the ``is_spike`` weeks of ``marts.fct_theme_weekly`` (the dashboards' "theme-weeks
with the largest volume spikes"; the z-score rule is dbt's, vars ``spike_*``) that fall in the
last ``lookback_weeks`` weeks of the data; older spikes are history, not news. Emerging themes are
``marts.dim_themes`` rows with status ``emerging``. Growth is the dashboards' "themes ranked by
growth": tickets in the data's last 4 weeks against the 4 weeks before. Examples are the theme's
representative tickets (``cl_theme_examples``), redacted subject and body from ``marts.fct_tickets``.
A table that does not exist yet (a run that stopped before dbt) yields no events.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import duckdb

from closedloop.alerts.events import EMERGING_THEME, QUARANTINE, THEME_SPIKE, Event, digest

EXAMPLE_CHARS = 200
"""Characters of each example text (subject and body) an alert shows."""

GROWTH_SQL = """
with bounds as (select max(week_start_date) as last_week from marts.fct_theme_weekly)
select w.theme_id,
       sum(case when w.week_start_date > b.last_week - interval 28 day then w.tickets else 0 end) as last_4_weeks,
       sum(case when w.week_start_date <= b.last_week - interval 28 day
                 and w.week_start_date > b.last_week - interval 56 day then w.tickets else 0 end) as prior_4_weeks
from marts.fct_theme_weekly as w cross join bounds as b
group by w.theme_id
"""

SPIKES_SQL = f"""
with bounds as (select max(week_start_date) as last_week from marts.fct_theme_weekly),
growth as ({GROWTH_SQL})
select th.theme_id, th.theme_name, w.week_start_date, w.tickets, w.trailing_mean, w.volume_z_score,
       th.ticket_count, g.last_4_weeks, g.prior_4_weeks, th.representative_ticket_ids
from marts.fct_theme_weekly as w
join marts.dim_themes as th on th.theme_id = w.theme_id
join growth as g on g.theme_id = w.theme_id
cross join bounds as b
where w.is_spike and w.week_start_date > b.last_week - to_days(7 * cast(? as integer))
order by w.week_start_date, w.volume_z_score desc nulls last, th.theme_id
"""

EMERGING_SQL = f"""
with growth as ({GROWTH_SQL})
select th.theme_id, th.theme_name, th.first_seen_at, th.ticket_count, th.tickets_last_4_weeks,
       g.last_4_weeks, g.prior_4_weeks, th.representative_ticket_ids
from marts.dim_themes as th
left join growth as g on g.theme_id = th.theme_id
where th.status = 'emerging'
order by th.first_seen_at, th.theme_id
"""


def _has_tables(con: duckdb.DuckDBPyConnection, *names: str) -> bool:
    found = {f"{r[0]}.{r[1]}" for r in con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables").fetchall()}
    return all(name in found for name in names)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _growth(last: int | None, prior: int | None) -> float | None:
    return (last - prior) / prior if last is not None and prior else None


def _growth_words(last: int | None, prior: int | None) -> str:
    growth = _growth(last, prior)
    change = f"{growth:+.0%}" if growth is not None else "new"
    return f"growth {change}: {last or 0:,} tickets in the last 4 weeks against {prior or 0:,} in the 4 before"


def examples(con: duckdb.DuckDBPyConnection, ticket_ids_json: str | None, limit: int = 3) -> tuple[str, ...]:
    """Up to ``limit`` redacted example texts (subject: body) of the tickets a JSON array names."""
    ids = [str(i) for i in json.loads(ticket_ids_json or "[]")][:limit]
    if not ids:
        return ()
    found = {r[0]: (r[1], r[2]) for r in con.execute(
        "SELECT ticket_id, subject, body FROM marts.fct_tickets WHERE ticket_id IN (SELECT unnest(?))",
        [ids]).fetchall()}
    texts = []
    for ticket_id in ids:
        if ticket_id in found:
            subject, body = found[ticket_id]
            text = " ".join(f"{subject or ''}: {body or ''}".split()).strip(": ")
            texts.append(text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…")
    return tuple(texts)


def spike_events(con: duckdb.DuckDBPyConnection, lookback_weeks: int) -> list[Event]:
    """One event per spike week of a theme within the data's last ``lookback_weeks`` weeks."""
    if not _has_tables(con, "marts.fct_theme_weekly", "marts.dim_themes", "marts.fct_tickets"):
        return []
    events = []
    for r in _rows(con, SPIKES_SQL, [lookback_weeks]):
        week: date = r["week_start_date"]
        z = r["volume_z_score"]
        baseline = f"{r['trailing_mean']:.1f}" if r["trailing_mean"] is not None else "n/a"
        lines = (f"{r['tickets']:,} tickets in the week of {week.isoformat()} against an average of {baseline} "
                 "a week before" + (f" (z-score {z:.1f})" if z is not None else ""),
                 f"{r['ticket_count']:,} tickets in the theme in all",
                 _growth_words(r["last_4_weeks"], r["prior_4_weeks"]))
        events.append(Event(
            THEME_SPIKE, f"{THEME_SPIKE}:{r['theme_id']}:{week.isoformat()}",
            f"Spike: {r['theme_name']} (week of {week.isoformat()})", lines,
            examples(con, r["representative_ticket_ids"]),
            facts={"theme_id": r["theme_id"], "theme_name": r["theme_name"], "week": week.isoformat(),
                   "tickets": int(r["tickets"]), "trailing_mean": r["trailing_mean"], "z_score": z,
                   "theme_tickets": int(r["ticket_count"]),
                   "growth": _growth(r["last_4_weeks"], r["prior_4_weeks"])}))
    return events


def emerging_events(con: duckdb.DuckDBPyConnection) -> list[Event]:
    """One event per theme whose status is ``emerging`` (first seen in the data's last 4 weeks)."""
    if not _has_tables(con, "marts.fct_theme_weekly", "marts.dim_themes", "marts.fct_tickets"):
        return []
    events = []
    for r in _rows(con, EMERGING_SQL):
        first_seen = r["first_seen_at"].date().isoformat() if r["first_seen_at"] is not None else "n/a"
        lines = (f"first seen {first_seen}; {r['ticket_count']:,} tickets so far",
                 _growth_words(r["last_4_weeks"], r["prior_4_weeks"]))
        events.append(Event(
            EMERGING_THEME, f"{EMERGING_THEME}:{r['theme_id']}", f"New emerging theme: {r['theme_name']}", lines,
            examples(con, r["representative_ticket_ids"]),
            facts={"theme_id": r["theme_id"], "theme_name": r["theme_name"], "first_seen": first_seen,
                   "theme_tickets": int(r["ticket_count"]),
                   "growth": _growth(r["last_4_weeks"], r["prior_4_weeks"])}))
    return events


def quarantine_event(con: duckdb.DuckDBPyConnection, minimum: int) -> Event | None:
    """An event when ``raw.quarantine`` holds at least ``minimum`` rejected rows (records), else None.

    Its fingerprint is the set of (entity, file, rows): the same quarantine is announced once, a
    changed one again.
    """
    if minimum <= 0 or not _has_tables(con, "raw.quarantine"):
        return None
    files = con.execute(
        "SELECT entity, source_file, count(DISTINCT source_line) AS rows FROM raw.quarantine "
        "GROUP BY entity, source_file ORDER BY rows DESC, entity, source_file").fetchall()
    total = sum(int(f[2]) for f in files)
    if total < minimum:
        return None
    reasons = con.execute(
        "SELECT entity || '.' || field || ': ' || split_part(reason, ' (', 1) AS why, count(*) AS n "
        "FROM raw.quarantine GROUP BY why ORDER BY n DESC, why LIMIT 5").fetchall()
    lines = (f"{total:,} rows quarantined (alert from {minimum:,}) in {len(files):,} files",
             *(f"{entity}: {rows:,} rows from {source}" for entity, source, rows in files[:5]),
             *(f"{n:,} x {why}" for why, n in reasons))
    return Event(QUARANTINE, f"{QUARANTINE}:{digest(*sorted(map(tuple, files)))}",
                 f"{total:,} rows quarantined", lines,
                 facts={"rows": total, "files": len(files), "minimum": minimum})
