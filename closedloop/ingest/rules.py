"""Row rules: the SQL that types a mapped record and lists why it cannot load.

Every rule gives, for one field, a reason text or NULL; a record with any reason is quarantined
(:mod:`closedloop.ingest.load`). Besides the rules of each column's type (required, parseable,
one of the allowed values) and of its entity (durations that go backwards), two rules keep out
what the dbt tests downstream would reject:

* **Plausible timestamps.** Every timestamp lies in a window: from ``$CLOSEDLOOP_TIMESTAMP_MIN``
  (default 2000-01-01) to now plus ``$CLOSEDLOOP_TIMESTAMP_MAX_AHEAD`` (default one day). For the
  tables whose dates the marts count by day (:attr:`Entity.calendar`), the window is also cut to
  the dbt calendar (vars ``calendar_start_date`` and ``calendar_end_date``), which the marts'
  relationships tests require every such date to be in.
* **Loaded parents.** A reference (:class:`closedloop.ingest.schema.Reference`) must name a row
  already in the parent's raw table, loaded by this run or any earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from closedloop.core.settings import load_settings
from closedloop.core.warehouse import project_vars
from closedloop.ingest.schema import ENTITIES, Column, Entity, Reference


@dataclass(frozen=True)
class Bound:
    """One end of the timestamp window.

    Attributes:
        at: The instant (UTC).
        why: Where it comes from, shown after it in quarantine reasons (may be empty).
    """

    at: datetime

    why: str = ""

    def sql(self) -> str:
        """The bound as a DuckDB ``TIMESTAMP`` literal (UTC, like the typed columns)."""
        return f"TIMESTAMP '{self.at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=' ')}'"

    def text(self) -> str:
        """The bound as people read it: a date at midnight, else date and time to the second."""
        at = self.at.astimezone(UTC)
        shown = at.date().isoformat() if at.time() == datetime.min.time() else at.strftime("%Y-%m-%d %H:%M:%S")
        return shown + (f" ({self.why})" if self.why else "")


@dataclass(frozen=True)
class TimestampWindow:
    """Timestamps a record may hold: from ``earliest`` (inclusive) up to ``latest`` (exclusive)."""

    earliest: Bound
    latest: Bound


PLANNED_LATEST = Bound(datetime(2100, 1, 1, tzinfo=UTC), "the latest date a plan may name")
"""Upper end for planned dates (:attr:`Column.planned`): far ahead, but still a bound on garbage."""


def timestamp_window(entity: Entity, now: datetime | None = None) -> TimestampWindow:
    """The window of ``entity``'s timestamps (see the module docstring).

    Raises:
        ClosedloopError: A window variable is malformed.
    """
    settings = load_settings()
    now = now or datetime.now(UTC)
    ahead = settings.timestamp_max_ahead
    earliest = Bound(settings.timestamp_min)
    latest = Bound(now + ahead, f"now + {_duration(ahead)}")
    if entity.calendar:
        variables = project_vars()
        start = _midnight(date.fromisoformat(str(variables["calendar_start_date"])))
        end = _midnight(date.fromisoformat(str(variables["calendar_end_date"]))) + timedelta(days=1)
        if start > earliest.at:
            earliest = Bound(start, "first day of the dbt calendar, var calendar_start_date")
        if end < latest.at:
            latest = Bound(end, "end of the dbt calendar, var calendar_end_date")
    return TimestampWindow(earliest, latest)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _duration(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    if hours % 24 == 0:
        days = int(hours // 24)
        return f"{days} day" + ("s" if days != 1 else "")
    return f"{hours:g} hours"


def typed(col: Column) -> str:
    """The column's value in its type; NULL when it does not parse (a timestamp is read in UTC).

    A timestamp is ISO 8601, or Unix time as Intercom's API and Google Play's review export write
    it: 9 or 10 digits are seconds, 12 or 13 digits milliseconds since 1970-01-01 UTC.
    """
    if col.type == "TIMESTAMP":
        v = col.name
        return (f"CASE WHEN regexp_full_match({v}, '[0-9]{{9,10}}') THEN make_timestamp(try_cast({v} AS BIGINT) "
                f"* 1000000) WHEN regexp_full_match({v}, '[0-9]{{12,13}}') THEN make_timestamp(try_cast({v} AS BIGINT)"
                f" * 1000) ELSE CAST(try_cast({v} AS TIMESTAMPTZ) AS TIMESTAMP) END")
    if col.type == "INTEGER":
        return f"try_cast(round(try_cast({col.name} AS DOUBLE)) AS INTEGER)"
    return f"try_cast({col.name} AS {col.type})"


def kept(col: Column) -> str:
    """The value a valid row keeps: typed, and ids in one form.

    An id exported as a whole number with a fraction (``40011.0``, as spreadsheets and some JSON
    writers write them) is that number (``40011``), so it never becomes a second record.
    """
    if col.type != "VARCHAR":
        return f"__typed_{col.name}"
    if col.name.endswith("_id"):
        return rf"regexp_replace({col.name}, '^(-?[0-9]+)\.0+$', '\1')"
    return col.name


def parent_lookups(entity: Entity, references: tuple[Reference, ...]) -> list[str]:
    """Select items ``__found_<col>``: whether each reference's value is a key of its parent's raw table.

    ``IN`` over the parent's keys is a hash semi-join: the keys are hashed once per batch.
    """
    lookups = []
    for ref in references:
        parent = ENTITIES[ref.parent]
        lookups.append(f"({kept(entity.column(ref.column))} IN (SELECT {parent.key} FROM {parent.table})) "
                       f"AS __found_{ref.column}")
    return lookups


def problems(entity: Entity, window: TimestampWindow, references: tuple[Reference, ...] = ()
             ) -> list[tuple[str, str]]:
    """(field, SQL expression giving the reason text or NULL) for every rule.

    The expressions read the mapped text columns, the ``__typed_<col>`` columns (a timestamp that
    does not parse is NULL there, so each timestamp is parsed once) and the ``__found_<col>``
    columns of :func:`parent_lookups` for ``references``.
    """
    rules: list[tuple[str, str]] = [("(record)", "__ragged")]  # CSV rows with the wrong number of fields
    for col in entity.columns:
        v = col.name
        if col.required:
            rules.append((v, f"CASE WHEN {v} IS NULL THEN 'missing required value' END"))
        if col.type == "TIMESTAMP":
            rules.append((v, _timestamp_rule(v, replace(window, latest=PLANNED_LATEST) if col.planned else window)))
        elif col.type in ("DOUBLE", "INTEGER", "BIGINT"):
            rules.append((v, _number_rule(col)))
        elif col.type == "BOOLEAN":
            rules.append((v, f"CASE WHEN {v} IS NOT NULL AND try_cast({v} AS BOOLEAN) IS NULL "
                             f"THEN 'not true or false (' || {v} || ')' END"))
        if col.enum:
            allowed = ", ".join(f"'{e}'" for e in col.enum)
            rules.append((v, f"CASE WHEN {v} IS NOT NULL AND {v} NOT IN ({allowed}) "
                             f"THEN 'unknown value (' || {v} || '; expected one of {'/'.join(col.enum)})' END"))
    for later, earlier in entity.checks:
        rules.append((later, f"CASE WHEN __typed_{later} < __typed_{earlier} "
                             f"THEN 'negative duration ({later} ' || {later} || ' is before {earlier} ' "
                             f"|| {earlier} || ')' END"))
    for ref in references:
        v = ref.column
        rules.append((v, f"CASE WHEN {v} IS NOT NULL AND NOT __found_{v} THEN '{v} ' || "
                         f"{kept(entity.column(v))} || ' is not a loaded {ENTITIES[ref.parent].singular}' END"))
    return rules


def _number_rule(col: Column) -> str:
    v = col.name
    whens = [f"WHEN try_cast({v} AS DOUBLE) IS NULL THEN 'not a number (' || {v} || ')'",
             f"WHEN NOT isfinite(try_cast({v} AS DOUBLE)) THEN 'not a finite number (' || {v} || ')'"]
    if col.type != "DOUBLE":
        whens.append(f"WHEN __typed_{v} IS NULL THEN 'not a whole number in range (' || {v} || ')'")
    if col.range:
        low, high = col.range
        whens.append(f"WHEN __typed_{v} < {low} OR __typed_{v} > {high} "
                     f"THEN '{v} ' || {v} || ' is outside {low:g} to {high:g}'")
    return f"CASE WHEN {v} IS NULL THEN NULL {' '.join(whens)} END"


def _timestamp_rule(v: str, window: TimestampWindow) -> str:
    earliest, latest = window.earliest, window.latest
    return (f"CASE WHEN {v} IS NOT NULL AND __typed_{v} IS NULL THEN 'unparseable timestamp (' || {v} || ')' "
            f"WHEN __typed_{v} < {earliest.sql()} THEN '{v} ' || {v} || ' is before {_sql_text(earliest)}' "
            f"WHEN __typed_{v} >= {latest.sql()} THEN '{v} ' || {v} || ' is not before {_sql_text(latest)}' END")


def _sql_text(bound: Bound) -> str:
    return bound.text().replace("'", "''")
