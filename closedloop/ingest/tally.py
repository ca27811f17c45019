"""Count what a load filled in or emptied, per file, and keep it in ``raw.source_defaults``.

A value is *defaulted* when the export had none and a rule of :mod:`closedloop.ingest.defaults`
filled it. A reference is *emptied* when its parent table holds no rows at all (the export has no
groups, say): it cannot name a loaded row, so the row loads without it instead of failing the
dbt relationships test after hours of work, and the loader warns naming file, line and field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from closedloop.ingest.defaults import DefaultRule
from closedloop.ingest.schema import ENTITIES, Entity, Reference

Counted = tuple[str | None, str, str, int, int, str | None]
"""(source name, column, rule, rows, first line, example) of one batch."""


@dataclass
class Filled:
    """Rows of one file and source whose column a load filled by a rule or emptied.

    Attributes:
        rows: How many valid rows.
        first_line: The first such row's line in the file.
        example: The emptied value of that row (None for a filled one).
    """

    rows: int = 0
    first_line: int = 0
    example: str | None = None


@dataclass
class Tally:
    """What one entity's load filled or emptied: (file, source name, column, rule) -> :class:`Filled`."""

    filled: dict[tuple[str, str | None, str, str], Filled] = field(default_factory=dict)

    def add(self, key: tuple[str, str | None, str, str], rows: int, first_line: int, example: str | None) -> None:
        """Count ``rows`` more for ``key``; keep the earliest line and its example."""
        entry = self.filled.setdefault(key, Filled(first_line=first_line, example=example))
        entry.rows += rows
        if first_line < entry.first_line:
            entry.first_line, entry.example = first_line, example

    def by_column(self) -> dict[tuple[str, str], int]:
        """Rows per (column, rule) over every file and source."""
        totals: dict[tuple[str, str], int] = {}
        for (_, _, column, rule), entry in self.filled.items():
            totals[column, rule] = totals.get((column, rule), 0) + entry.rows
        return totals


def emptied_rule(ref: Reference) -> str:
    """The ``default_rule`` of an emptied reference."""
    parent = ENTITIES[ref.parent]
    return f"emptied: no {parent.singular} is loaded (raw.{parent.name} is empty), so it cannot name one"


def count_batch(con: duckdb.DuckDBPyConnection, entity: Entity, rules: dict[str, DefaultRule],
                emptied: tuple[Reference, ...]) -> list[Counted]:
    """(source name, column, rule, rows, first line, example) of the valid rows of ``__mapped``."""
    source = "source_name" if any(c.name == "source_name" for c in entity.columns) else "NULL::VARCHAR"
    parts = [(column, rule.text, f"__defaulted_{column}", "NULL::VARCHAR") for column, rule in rules.items()]
    parts += [(ref.column, emptied_rule(ref), f"{ref.column} IS NOT NULL", f"arg_min({ref.column}, source_line)")
              for ref in emptied]
    if not parts:
        return []
    selects = [f"SELECT {source}, ?, ?, count(*), min(source_line), {example} FROM __mapped "
               f"WHERE len(__failures) = 0 AND {condition} GROUP BY ALL" for _, _, condition, example in parts]
    params = [value for column, text, _, _ in parts for value in (column, text)]
    rows = con.execute(" UNION ALL ".join(selects), params).fetchall()
    return [(r[0], str(r[1]), str(r[2]), int(r[3]), int(r[4]), r[5]) for r in rows]


def record(con: duckdb.DuckDBPyConnection, entity: Entity, files: list[Path], tally: Tally) -> None:
    """Replace the ``raw.source_defaults`` rows of ``files`` with what this load counted."""
    names = [str(path) for path in files]
    if not names:
        return
    con.execute("DELETE FROM raw.source_defaults WHERE table_name = ? AND list_contains(?, source_file)",
                [entity.name, names])
    rows = [(entity.name, file, source, column, rule, entry.rows)
            for (file, source, column, rule), entry in sorted(tally.filled.items(), key=lambda i: str(i[0]))]
    if rows:
        con.executemany("INSERT INTO raw.source_defaults VALUES (?, ?, ?, ?, ?, ?, now())", rows)


def warnings(entity: Entity, tally: Tally) -> list[str]:
    """One line per emptied reference: file, first line, field, the value and how many rows."""
    lines = []
    for (file, _, column, rule), entry in sorted(tally.filled.items(), key=lambda i: str(i[0])):
        if rule.startswith("emptied"):
            parent = ENTITIES[next(r.parent for r in entity.references if r.column == column)]
            lines.append(f"{file} line {entry.first_line}, field {column}: {entry.example!r} names no loaded "
                         f"{parent.singular} (raw.{parent.name} is empty); {entry.rows:,} rows of raw.{entity.name} "
                         f"load without {column}. To split by an app or brand, map it to source_name.")
    return lines
