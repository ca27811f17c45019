"""The account's own configuration: tiers, business hours, holidays and SLA targets from YAML.

A help desk whose export has no schedules or SLA policies (a generic CSV source, Freshdesk,
Intercom...) describes its account in the ``account:`` section of ``closedloop-sources.yml``:
``tiers`` (support tier -> help-desk groups and the schedule the tier works), ``schedules`` (IANA
time zone, weekly hours, holidays, one default) and ``sla_policies`` (conditions and targets per
metric and priority, in matching order). The format is in docs/export-formats.md, "The account's
own configuration".

Each part fills the raw table a Zendesk export fills (``raw.schedules``, ``raw.schedule_holidays``,
``raw.sla_policies``) in Zendesk's shape, or ``raw.group_tiers``, so dbt reads them exactly as
exported ones. A bad entry goes to ``raw.quarantine`` naming the file, the entry's line and the
field; the other entries load. Reloading replaces every row the file gave before.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
import time
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import yaml

from closedloop.core.errors import UnreadableFileError
from closedloop.core.settings import DBT_PROJECT_DIR

SECTIONS = {"group_tiers": "tiers", "schedules": "schedules", "schedule_holidays": "schedules",
            "sla_policies": "sla_policies"}  # raw entity -> the key of ``account:`` that feeds it
DAYS = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
METRICS = ("first_reply_time", "next_reply_time", "periodic_update_time", "pausable_update_time",
           "requester_wait_time", "agent_work_time")
PRIORITIES = ("low", "normal", "high", "urgent")
CONDITIONS = {"priority": "priority", "group_id": "group_id", "channel": "channel", "tier": "tier",
              "tags": "current_tags"}
_FULL_DAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
_CLOCK = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
_KEY = {"group_tiers": "group_name", "schedules": "schedule_id", "schedule_holidays": "holiday_id",
        "sla_policies": "policy_id"}


class EntryError(ValueError):
    """A bad entry: the field and the reason, for ``raw.quarantine``."""

    def __init__(self, field: str, reason: str) -> None:
        """Name the field and say what is wrong with it."""
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


@dataclass
class Entry:
    """One YAML entry: where it is, its mapping, and the row(s) it gives or why it gives none."""

    line: int
    record: Any
    rows: list[dict[str, Any]]
    error: EntryError | None = None


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records each mapping's first line under ``__line__``."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def read_account(path: Path) -> dict[str, Any]:
    """The ``account:`` section of ``path`` (mappings carry their line in ``__line__``), or {}.

    Raises:
        UnreadableFileError: The file cannot be read or is not YAML.
    """
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UnreadableFileError(path, str(exc)) from exc
    section = document.get("account") if isinstance(document, dict) else None
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise UnreadableFileError(path, "account: expected a mapping of tiers, schedules and sla_policies")
    return section


def _clean(value: Any) -> Any:
    """The entry as the user wrote it (no ``__line__``), for the quarantine's record column."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def _line(value: Any, parent: Any) -> int:
    """The line of ``value`` when it is a mapping, else of its parent mapping (0 when unknown)."""
    for node in (value, parent):
        if isinstance(node, dict) and isinstance(node.get("__line__"), int):
            return int(node["__line__"])
    return 0


def _text(entry: dict[str, Any], field: str, required: bool = True) -> str | None:
    value = entry.get(field)
    if value is None or str(value).strip() == "":
        if required:
            raise EntryError(field, "missing required value")
        return None
    if isinstance(value, dict | list):
        raise EntryError(field, f"expected a single value, not {_clean(value)!r}")
    return str(value).strip()


def known_tiers() -> tuple[str, ...]:
    """The support tiers of the dbt seed ``support_tiers`` (tier level, human or bot)."""
    with (DBT_PROJECT_DIR / "seeds" / "support_tiers.csv").open(encoding="utf-8") as handle:
        return tuple(row["tier"] for row in csv.DictReader(handle))


def tier_rows(section: Any) -> Iterator[Entry]:
    """``tiers: {tier: {groups: [...], schedule: id}}`` as ``raw.group_tiers`` rows, one per group."""
    if not isinstance(section, dict):
        yield Entry(0, _clean(section), [], EntryError("tiers", "expected a mapping of tier -> {groups, schedule}"))
        return
    tiers = known_tiers()
    for tier, spec in section.items():
        if tier == "__line__":
            continue
        entry = Entry(_line(spec, section), {str(tier): _clean(spec)}, [])
        try:
            if str(tier) not in tiers:
                raise EntryError("tier", f"{tier!r} is not a support tier ({', '.join(tiers)}; "
                                         "dbt_project/seeds/support_tiers.csv)")
            if not isinstance(spec, dict):
                raise EntryError("groups", "expected {groups: [group names], schedule: schedule id}")
            groups = spec.get("groups") or []
            groups = [groups] if isinstance(groups, str) else groups
            if not isinstance(groups, list) or not groups or not all(str(g).strip() for g in groups):
                raise EntryError("groups", "expected a list of help-desk group names")
            schedule = _text(spec, "schedule", required=False)
            entry.rows = [{"group_name": str(g).strip(), "tier": str(tier), "schedule_id": schedule} for g in groups]
        except EntryError as exc:
            entry.error = exc
        yield entry


def _minutes(text: str, field: str) -> int:
    match = _CLOCK.match(text.strip())
    if not match or (match.group(1) == "24" and match.group(2) != "00"):
        raise EntryError(field, f"{text!r} is not a time HH:MM between 00:00 and 24:00")
    return int(match.group(1)) * 60 + int(match.group(2))


def zendesk_intervals(hours: Any) -> list[dict[str, int]]:
    """``{mon: "09:00-17:00", ...}`` as Zendesk intervals: minutes since Sunday 00:00, one day each."""
    if not isinstance(hours, dict) or not [k for k in hours if k != "__line__"]:
        raise EntryError("hours", "expected weekdays with their opening hours, e.g. {mon: \"09:00-17:00\"}")
    intervals: list[dict[str, int]] = []
    for day, spans in hours.items():
        if day == "__line__":
            continue
        key = str(day).lower()[:3] if str(day).lower() in _FULL_DAYS else str(day).lower()
        if key not in DAYS:
            raise EntryError(f"hours.{day}", "not a weekday (mon, tue, wed, thu, fri, sat, sun)")
        day_spans = []
        for span in [spans] if isinstance(spans, str) else (spans or []):
            opens, _, closes = str(span).partition("-")
            start, end = _minutes(opens, f"hours.{day}"), _minutes(closes or "?", f"hours.{day}")
            if end <= start:
                raise EntryError(f"hours.{day}", f"{span!r} closes before it opens (an interval cannot cross midnight)")
            day_spans.append((start, end))
        day_spans.sort()
        for (_, end), (start, _) in itertools.pairwise(day_spans):
            if start < end:
                raise EntryError(f"hours.{day}", "intervals overlap")
        offset = DAYS[key] * 1_440
        intervals += [{"start_time": offset + s, "end_time": offset + e} for s, e in day_spans]
    return sorted(intervals, key=lambda i: i["start_time"])


def schedule_rows(section: Any) -> Iterator[Entry]:
    """``schedules:`` as ``raw.schedules`` rows; the default schedule is dated first (Zendesk's rule)."""
    if not isinstance(section, list):
        yield Entry(0, _clean(section), [], EntryError("schedules", "expected a list of schedules"))
        return
    defaults = [i for i, s in enumerate(section) if isinstance(s, dict) and s.get("default") is True]
    for index, spec in enumerate(section):
        entry = Entry(_line(spec, {}), _clean(spec), [])
        try:
            if not isinstance(spec, dict):
                raise EntryError("(entry)", "expected a mapping with id, time_zone and hours")
            schedule_id, zone = _text(spec, "id"), _text(spec, "time_zone")
            if zone not in zoneinfo.available_timezones():
                raise EntryError("time_zone", f"{zone!r} is not an IANA time zone (e.g. Europe/Berlin, UTC)")
            if len(defaults) > 1 and index in defaults:
                raise EntryError("default", "only one schedule can be the default")
            rank = 0 if index in defaults[:1] else index + 1
            entry.rows = [{"schedule_id": schedule_id, "name": _text(spec, "name", required=False) or schedule_id,
                           "time_zone": zone, "intervals": json.dumps(zendesk_intervals(spec.get("hours"))),
                           "created_at": f"2000-01-01 00:{rank // 60:02d}:{rank % 60:02d}"}]
        except EntryError as exc:
            entry.error = exc
        yield entry


def _date(value: Any, field: str) -> str:
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError as exc:
        raise EntryError(field, f"{value!r} is not a date YYYY-MM-DD") from exc


def holiday_rows(section: Any) -> Iterator[Entry]:
    """Each schedule's ``holidays:`` as ``raw.schedule_holidays`` rows (a date, or from and to)."""
    for schedule in section if isinstance(section, list) else []:
        if not isinstance(schedule, dict) or not schedule.get("holidays"):
            continue
        schedule_id = str(schedule.get("id", "")).strip()
        holidays = schedule["holidays"]
        for number, spec in enumerate(holidays if isinstance(holidays, list) else [holidays], 1):
            entry = Entry(_line(spec, schedule), _clean(spec), [])
            try:
                if not schedule_id:
                    raise EntryError("schedule_id", "the holiday's schedule has no id")
                if not isinstance(spec, dict):
                    raise EntryError("(entry)", "expected {date: YYYY-MM-DD} or {from: ..., to: ...}")
                start = _date(spec.get("date", spec.get("from")), "date" if "date" in spec else "from")
                end = _date(spec.get("date", spec.get("to", start)), "date" if "date" in spec else "to")
                if end < start:
                    raise EntryError("to", f"{end} is before {start}")
                entry.rows = [{"holiday_id": f"{schedule_id}:{number}", "schedule_id": schedule_id,
                               "name": _text(spec, "name", required=False), "start_date": start, "end_date": end}]
            except EntryError as exc:
                entry.error = exc
            yield entry


def _target(spec: Any, number: int) -> list[dict[str, Any]]:
    field = f"targets[{number}]"
    if not isinstance(spec, dict):
        raise EntryError(field, "expected {metric, priority, minutes, business_hours}")
    metric = _text(spec, "metric")
    if metric not in METRICS:
        raise EntryError(f"{field}.metric", f"{metric!r} is not one of {', '.join(METRICS)}")
    priority = (_text(spec, "priority", required=False) or "*").lower()
    if priority not in (*PRIORITIES, "*"):
        raise EntryError(f"{field}.priority", f"{priority!r} is not one of {', '.join(PRIORITIES)} or *")
    minutes = spec.get("minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int | float) or minutes <= 0:
        raise EntryError(f"{field}.minutes", f"{minutes!r} is not a positive number of minutes")
    business = spec.get("business_hours", True)
    if not isinstance(business, bool):
        raise EntryError(f"{field}.business_hours", f"{business!r} is not true or false")
    return [{"priority": p, "metric": metric, "target": minutes, "business_hours": business}
            for p in (PRIORITIES if priority == "*" else (priority,))]


def _filter(when: Any) -> dict[str, list[dict[str, str]]]:
    if when is None:
        return {"all": [], "any": []}
    if not isinstance(when, dict):
        raise EntryError("when", "expected conditions such as {priority: urgent, channel: email}")
    conditions = []
    for field, value in when.items():
        if field == "__line__":
            continue
        if field not in CONDITIONS:
            raise EntryError(f"when.{field}", f"not a condition closedloop evaluates ({', '.join(CONDITIONS)})")
        if field == "tags":
            tags = [value] if isinstance(value, str) else value
            conditions.append({"field": "current_tags", "operator": "includes", "value": " ".join(map(str, tags))})
            continue
        text = _text(when, field)
        if field == "priority" and str(text).lower() not in PRIORITIES:
            raise EntryError("when.priority", f"{text!r} is not one of {', '.join(PRIORITIES)}")
        conditions.append({"field": CONDITIONS[field], "operator": "is", "value": str(text)})
    return {"all": conditions, "any": []}


def policy_rows(section: Any) -> Iterator[Entry]:
    """``sla_policies:`` as ``raw.sla_policies`` rows, in Zendesk's shape, positioned in file order."""
    if not isinstance(section, list):
        yield Entry(0, _clean(section), [], EntryError("sla_policies", "expected a list of policies"))
        return
    for position, spec in enumerate(section, 1):
        entry = Entry(_line(spec, {}), _clean(spec), [])
        try:
            if not isinstance(spec, dict):
                raise EntryError("(entry)", "expected a mapping with title, when and targets")
            targets = spec.get("targets")
            if not isinstance(targets, list) or not targets:
                raise EntryError("targets", "expected a list of {metric, priority, minutes, business_hours}")
            metrics = [m for number, t in enumerate(targets, 1) for m in _target(t, number)]
            entry.rows = [{"policy_id": _text(spec, "id", required=False) or f"account:{position}",
                           "title": _text(spec, "title"), "position": position,
                           "filter": json.dumps(_filter(spec.get("when"))), "policy_metrics": json.dumps(metrics)}]
        except EntryError as exc:
            entry.error = exc
        yield entry


#: How each raw entity's rows come out of its section of ``account:``.
ROWS: dict[str, Callable[[Any], Iterator[Entry]]] = {"group_tiers": tier_rows, "schedules": schedule_rows,
                                                     "schedule_holidays": holiday_rows, "sla_policies": policy_rows}


def account_entries(entity: str, path: Path) -> list[Entry]:
    """The entries of ``path``'s account section that feed ``entity``, each with its rows or its error.

    A holiday of a schedule that is quarantined is quarantined too: it would name no schedule.
    """
    section = read_account(path).get(SECTIONS[entity])
    entries = [] if section is None else list(ROWS[entity](section))
    if entity == "schedule_holidays":
        bad = {str(e.record.get("id")) for e in schedule_rows(section) if e.error and isinstance(e.record, dict)}
        for entry in entries:
            if entry.error is None and entry.rows[0]["schedule_id"] in bad:
                entry.error, entry.rows = EntryError("schedule_id", "its schedule is quarantined"), []
    return entries


def load_account_file(con: duckdb.DuckDBPyConnection, entity: str, path: Path) -> tuple[int, int]:
    """Replace the rows and quarantine ``path`` gave ``entity`` before by its entries now.

    A key given twice keeps the later entry (the earlier is quarantined); a key that another
    source loaded (a Zendesk export) is replaced. Returns (valid rows, quarantined entries).
    """
    source, key, table = str(path), _KEY[entity], f"raw.{entity}"
    entries = account_entries(entity, path)
    seen: dict[str, Entry] = {}
    for entry in entries:
        for row in entry.rows:
            name = str(row[key]).lower() if entity == "group_tiers" else row[key]  # groups match ignoring case
            if name in seen and seen[name] is not entry:
                seen[name].error, seen[name].rows = EntryError(key, f"{row[key]!r} is given again on line "
                                                                    f"{entry.line}"), []
            seen[name] = entry
    con.execute("BEGIN TRANSACTION")
    con.execute(f"DELETE FROM {table} WHERE source_file = ?", [source])
    con.execute("DELETE FROM raw.quarantine WHERE entity = ? AND source_file = ?", [entity, source])
    valid = 0
    for entry in entries:
        if entry.error is not None:
            con.execute("INSERT INTO raw.quarantine VALUES (?, ?, ?, ?, ?, ?, now())",
                        [entity, source, entry.line, entry.error.field, entry.error.reason,
                         json.dumps(entry.record, default=str)])
            continue
        for row in entry.rows:
            con.execute(f"DELETE FROM {table} WHERE {key} = ?", [row[key]])
            columns = [*row, "source_file", "source_line", "loaded_at"]
            marks = ", ".join(["?"] * len(row) + ["?", "?", "now()"])
            con.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                        [*row.values(), source, entry.line])
            valid += 1
    con.execute("COMMIT")
    return valid, sum(1 for e in entries if e.error is not None)


def load_account(con: duckdb.DuckDBPyConnection, entity: str, files: list[Path]) -> dict[str, Any]:
    """Load ``entity`` from the account section of each file: the counts of an ``EntityReport``.

    No file, or no section for the entity, loads nothing and warns of nothing: dbt reads the seeds.
    """
    started, table = time.perf_counter(), f"raw.{entity}"
    counts: dict[str, Any] = {"rows_valid": 0, "rows_quarantined": 0, "reasons": {}}
    before = int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
    for path in files:
        valid, quarantined = load_account_file(con, entity, path)
        counts["rows_valid"] += valid
        counts["rows_quarantined"] += quarantined
        counts["reasons"].update({f"{field}: {reason}": int(n) for field, reason, n in con.execute(
            "SELECT field, reason, count(*) FROM raw.quarantine WHERE entity = ? AND source_file = ? GROUP BY ALL",
            [entity, str(path)]).fetchall()})
    after = int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
    return {**counts, "rows_read": counts["rows_valid"] + counts["rows_quarantined"], "rows_in_table": after,
            "rows_added": after - before, "seconds": time.perf_counter() - started}


def account_specs(name: str, section: Any) -> dict[str, dict[str, Any]]:
    """Source specs of the raw entities the ``account:`` section of ``name`` (a file in the data folder) feeds."""
    if not isinstance(section, dict):
        return {}
    return {entity: {"connector": "account", "files": [name]}
            for entity, key in SECTIONS.items() if key in section}
