"""Look at the exports before anything expensive runs: references that cannot name anything.

``closedloop run`` calls :func:`preflight` before Dagster starts (which takes tens of seconds on a
busy machine), so a mapping that puts an app name into ``group_id`` with no groups exported is
said within seconds, naming file, line and field. (A table whose files are missing is said by its
loading step and again where the run ends.)
The load itself does the same checks on every row (:mod:`closedloop.ingest.tally`); this only
reads the first batch of each file that could break one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from closedloop.core.errors import ClosedloopError
from closedloop.ingest.config import SourceSpec
from closedloop.ingest.connectors import mapping_sql
from closedloop.ingest.load import find_files
from closedloop.ingest.readers import read_batches
from closedloop.ingest.schema import ENTITIES, Reference


def preflight(warehouse: Path, folders: Sequence[Path], config: dict[str, SourceSpec]) -> list[str]:
    """Warnings about references of ``config``'s tables over ``folders`` whose parent table will hold no rows."""
    files = {name: find_files(spec, list(folders)) for name, spec in config.items()}
    warnings: list[str] = []
    loaded = _loaded_tables(warehouse)
    for name, spec in config.items():
        for ref in ENTITIES[name].references:
            if ref.always or files.get(ref.parent) or loaded.get(ref.parent):
                continue
            if spec.connector == "generic" and ref.column not in spec.columns:
                continue
            warning = _first_reference(spec, files[name], ref, config[ref.parent].files)
            if warning:
                warnings.append(warning)
    return warnings


def _loaded_tables(warehouse: Path) -> dict[str, int]:
    """Rows of each raw table already in the warehouse (none when it does not exist yet)."""
    if not warehouse.exists():
        return {}
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            present = {row[0] for row in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw'").fetchall()}
            return {name: int(con.execute(f"SELECT count(*) FROM raw.{name}").fetchall()[0][0])
                    for name in ENTITIES if name in present}
    except duckdb.Error:
        return {}  # held by another process, or not a warehouse: the load will say


def _first_reference(spec: SourceSpec, paths: list[Path], ref: Reference, parent_files: tuple[str, ...]) -> str | None:
    """The warning for the first row of ``paths`` whose ``ref`` names something, or None."""
    parent = ENTITIES[ref.parent]
    consequence = ("those rows will be quarantined" if ENTITIES[spec.entity].column(ref.column).required
                   else f"those rows will load without {ref.column}")
    for path in paths:
        hit = _first_value(spec, path, ref.column)
        if hit is not None:
            line, value = hit
            return (f"{path} line {line}, field {ref.column}: {value!r} can name no {parent.singular}: no "
                    f"{parent.name} are exported ({', '.join(parent_files) or 'no files configured'}) or loaded; "
                    f"{consequence}. To split by an app or brand, map it to source_name.")
    return None


def _first_value(spec: SourceSpec, path: Path, column: str) -> tuple[int, str] | None:
    """Line and value of the first record of ``path``'s first batch with ``column`` set; None if none or unreadable."""
    try:
        batch = next(iter(read_batches(path, spec)), None)
    except ClosedloopError:
        return None  # the load names an unreadable file
    if batch is None:
        return None
    with duckdb.connect() as con:
        con.register("__records", batch.table)
        try:
            rows = con.execute(f"SELECT source_line, {column} FROM ({mapping_sql(spec, '__records', batch.is_json)}) "
                               f"WHERE {column} IS NOT NULL ORDER BY source_line LIMIT 1").fetchall()
        except duckdb.Error:
            return None  # a column the file lacks: the load names it
    return (int(rows[0][0]), str(rows[0][1])) if rows else None
