"""Load export files into the raw tables: validate, quarantine, redact, merge idempotently.

For each entity the loader reads every matching file in batches, maps records to canonical
columns (see :mod:`closedloop.ingest.connectors`), and sorts each record into

* **valid** rows, typed and redacted, staged and then merged into ``raw.<entity>`` so that
  re-loading the same export adds nothing and a later version (by the entity's version column)
  replaces an earlier one;
* **quarantined** rows, one ``raw.quarantine`` row per failing field with file, line, field and
  reason, kept until that file is loaded again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from closedloop.core.errors import UnreadableFileError
from closedloop.core.warehouse import connect
from closedloop.core.warehouse import cursor as second_cursor
from closedloop.ingest import tally
from closedloop.ingest.account import load_account
from closedloop.ingest.config import SourceSpec, load_config
from closedloop.ingest.connectors import mapping_sql, record_sql
from closedloop.ingest.defaults import DefaultRule, rules_of
from closedloop.ingest.outcome import EntityReport, LoadReport
from closedloop.ingest.readers import Batch, read_ahead, read_batches
from closedloop.ingest.rules import kept, parent_lookups, problems, timestamp_window, typed
from closedloop.ingest.schema import ENTITIES, Entity, Reference, create_all_sql, redacted_sql
from closedloop.ingest.tally import Counted

log = logging.getLogger("closedloop.ingest")

#: Loading order: dimensions first, then facts.
LOAD_ORDER = ("groups", "agents", "tickets", "ticket_events", "satisfaction_ratings", "qa_audits", "backlog_items",
              "schedules", "schedule_holidays", "sla_policies", "group_tiers")


@dataclass(frozen=True)
class Rules:
    """One entity's load: the ``problems`` SQL, the references it checks, those it empties, the default rules."""

    problems: list[tuple[str, str]]
    references: tuple[Reference, ...]
    emptied: tuple[Reference, ...] = ()
    defaults: dict[str, DefaultRule] = field(default_factory=dict)


def open_warehouse(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for loading: the raw schema, its tables and the quarantine in place."""
    con = connect(warehouse)
    for stmt in create_all_sql():
        con.execute(stmt)
    return con


def load_all(
    warehouse: Path,
    data_dir: Path,
    config: dict[str, SourceSpec] | None = None,
    entities: tuple[str, ...] = LOAD_ORDER,
    progress: Callable[[str], None] | None = None,
) -> LoadReport:
    """Load every entity's files from ``data_dir`` into the warehouse.

    Args:
        warehouse: DuckDB file.
        data_dir: Folder with the exports (globs in the config are relative to it).
        config: Source specs; default: ``closedloop-sources.yml`` in data_dir, else the demo layout.
        entities: Which entities to load.
        progress: Called with a one-line summary per entity.

    An entity whose file cannot be read at all (missing permission, a folder, a corrupt archive,
    a CSV header that lacks mapped columns...) loads nothing, its error is in the report
    (:attr:`LoadReport.errors`, :attr:`LoadReport.partial`) and the other entities still load.
    """
    if config is None:
        user_config = data_dir / "closedloop-sources.yml"
        config = load_config(user_config if user_config.exists() else None)
    report = LoadReport()
    con = open_warehouse(warehouse)
    try:
        for name in entities:
            try:
                entity_report = load_entity(con, config[name], data_dir)
            except UnreadableFileError as exc:
                entity_report = EntityReport(entity=name, error=str(exc))
                log.error(entity_report.summary())
            report.entities[name] = entity_report
            if progress:
                progress(entity_report.summary())
    finally:
        con.close()
    return report


def find_files(spec: SourceSpec, data_dirs: Path | Sequence[Path]) -> list[Path]:
    """Files matching the spec's globs under each folder, sorted, without duplicates."""
    roots = [data_dirs] if isinstance(data_dirs, Path) else list(data_dirs)
    found: dict[Path, None] = {}
    for root in roots:
        for pattern in spec.files:
            for path in sorted(root.glob(pattern)):
                # A folder or a dangling link that matches is reported unreadable, not skipped.
                found[path.resolve() if path.exists() else path.absolute()] = None
    return list(found)


def load_entity(con: duckdb.DuckDBPyConnection, spec: SourceSpec, data_dirs: Path | Sequence[Path]) -> EntityReport:
    """Load one entity's files from one or more folders (see the module docstring).

    All or nothing: when a file cannot be read, the raw table and the entity's quarantine are put
    back as they were before, and the error is raised.

    Raises:
        UnreadableFileError: A file cannot be read at all.
    """
    if spec.connector == "account":  # the account's own configuration (closedloop/ingest/account.py)
        files = [p for p in find_files(spec, data_dirs) if p.is_file()]
        return EntityReport(entity=spec.entity, files=files, **load_account(con, spec.entity, files))
    started = time.perf_counter()
    entity = ENTITIES[spec.entity]
    report = EntityReport(entity=spec.entity, files=find_files(spec, data_dirs))
    if not report.files and spec.files:  # `files: []` in closedloop-sources.yml turns a table off
        folders = ", ".join(str(d) for d in ([data_dirs] if isinstance(data_dirs, Path) else data_dirs))
        report.warnings.append(f"raw_{spec.entity}: no file matches {', '.join(spec.files)} in {folders}; nothing "
                               "loaded (map the export in closedloop-sources.yml if it lives elsewhere)")
    before = _count(con, entity.table)
    # A reference to an empty table cannot name a row: emptied and warned about (closedloop.ingest.tally).
    references = tuple(r for r in entity.references if r.always or entity.column(r.column).required
                       or _count(con, ENTITIES[r.parent].table))
    rules = Rules(problems(entity, timestamp_window(entity), references), references,
                  tuple(r for r in entity.references if r not in references),
                  rules_of(spec.entity, spec.connector, spec.kind, spec.defaults))
    _snapshot(con, entity, before)
    try:
        for path in report.files:
            _load_file(con, spec, entity, path, report, rules)
    except BaseException:
        _restore(con, entity, before)
        raise
    finally:
        con.execute("DROP TABLE IF EXISTS __before_rows")
        con.execute("DROP TABLE IF EXISTS __before_quarantine")
    tally.record(con, entity, report.files, report.tally)
    report.warnings += tally.warnings(entity, report.tally)
    con.execute("CHECKPOINT")
    report.rows_in_table = _count(con, entity.table)
    report.rows_added = report.rows_in_table - before
    report.seconds = time.perf_counter() - started
    log.info(report.summary())
    for warning in report.warnings:
        log.warning(warning)
    return report


def _snapshot(con: duckdb.DuckDBPyConnection, entity: Entity, rows: int) -> None:
    """Keep the entity's rows (when it has any) and quarantine as they are, for :func:`_restore`."""
    if rows:
        con.execute(f"CREATE OR REPLACE TEMP TABLE __before_rows AS SELECT * FROM {entity.table}")
    con.execute("CREATE OR REPLACE TEMP TABLE __before_quarantine AS SELECT * FROM raw.quarantine WHERE entity = ?",
                [entity.name])


def _restore(con: duckdb.DuckDBPyConnection, entity: Entity, rows: int) -> None:
    """Put the entity's rows and quarantine back as :func:`_snapshot` kept them, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    con.execute(f"DELETE FROM {entity.table}")
    if rows:
        con.execute(f"INSERT INTO {entity.table} BY NAME SELECT * FROM __before_rows")
    con.execute("DELETE FROM raw.quarantine WHERE entity = ?", [entity.name])
    con.execute("INSERT INTO raw.quarantine BY NAME SELECT * FROM __before_quarantine")
    con.execute("COMMIT")
    log.warning(f"raw_{entity.name}: put back as it was before this load ({rows:,} rows)")


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    # fetchall, not fetchone: DuckDB refuses to unregister a view while a result is unfinished.
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()
    return int(rows[0][0]) if rows else 0


def _load_file(con: duckdb.DuckDBPyConnection, spec: SourceSpec, entity: Entity, path: Path,
               report: EntityReport, rules: Rules) -> None:
    """Load one file: map each batch and merge it, mapping the next batch while the last one merges.

    The merge (and its commit) runs mostly on one core; mapping, which runs on every core, fills
    the other one meanwhile. Each stage has its own cursor, as temp tables belong to a connection;
    the two cursors take turns, so a batch is mapped and merged on the same cursor, and batches
    merge in file order.
    """
    source = str(path)
    con.execute("DELETE FROM raw.quarantine WHERE entity = ? AND source_file = ?", [entity.name, source])
    cursors = (second_cursor(con), second_cursor(con))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="closedloop-map") as mapper:
        staged: duckdb.DuckDBPyConnection | None = None  # holds a mapped batch waiting for its merge
        mapping: Future[tuple[int, int, list[Counted]]] | None = None
        try:
            for number, batch in enumerate(read_ahead(read_batches(path, spec))):
                report.rows_read += batch.table.num_rows
                cursor = cursors[number % 2]
                mapping = mapper.submit(_map_batch, cursor, spec, entity, path, batch, rules)
                if staged is not None:
                    previous, staged = staged, None
                    _merge_batch(previous, entity)
                # The next batch maps on the cursor that just merged, so wait for this one first.
                valid, skipped, counted = mapping.result()
                report.rows_valid += valid
                report.rows_skipped += skipped
                for source_name, column, rule, rows, first_line, example in counted:
                    report.tally.add((source, source_name, column, rule), rows, first_line, example)
                staged, mapping = cursor, None
            # On an error nothing more is merged: load_entity puts the table back as it was.
            if staged is not None:
                _merge_batch(staged, entity)
        finally:
            if mapping is not None:
                wait([mapping])
            for cursor in cursors:
                cursor.close()
    rejected = con.execute(
        "SELECT count(DISTINCT source_line) FROM raw.quarantine WHERE entity = ? AND source_file = ?",
        [entity.name, source]).fetchone()
    report.rows_quarantined += int(rejected[0]) if rejected else 0
    for reason, count in con.execute(
        "SELECT field || ': ' || split_part(reason, ' (', 1), count(*) FROM raw.quarantine "
        "WHERE entity = ? AND source_file = ? GROUP BY field, split_part(reason, ' (', 1)",
        [entity.name, source]).fetchall():
        key = reason if len(reason) < 80 else reason[:77] + "..."
        report.reasons[key] = report.reasons.get(key, 0) + int(count)


def _map_batch(con: duckdb.DuckDBPyConnection, spec: SourceSpec, entity: Entity, path: Path, batch: Batch,
               rules: Rules) -> tuple[int, int, list[Counted]]:
    """Map and validate one batch, quarantine its bad rows and stage the valid ones.

    Returns:
        How many rows are valid, how many records mapped to no row (skipped), and the valid rows'
        values filled by a default rule or emptied (:func:`closedloop.ingest.tally.count_batch`).
    """
    source = str(path)
    con.register("__batch", batch.table)
    try:
        if batch.is_json:
            # ltrim stops at the first non-space; trim would decode every line to its end.
            con.execute("CREATE OR REPLACE TEMP VIEW __records AS SELECT * FROM __batch WHERE ltrim(line) <> ''")
        else:
            table = batch.table
            absent = {canon: src for canon, src in spec.columns.items() if src not in table.column_names}
            required = sorted(src for canon, src in absent.items() if entity.column(canon).required)
            if required:
                raise UnreadableFileError(path, f"missing column(s) {', '.join(required)} that the "
                                                f"{spec.entity} column mapping needs")
            for src in sorted(set(absent.values())):
                log.warning(f"{path}: no column {src!r}; {spec.entity} rows get no value for it")
                table = table.append_column(src, pa.nulls(table.num_rows, pa.string()))
            con.unregister("__batch")
            con.register("__batch", table)
            con.execute("CREATE OR REPLACE TEMP VIEW __records AS SELECT * FROM __batch")
        _map(con, spec, entity, batch.is_json, rules)
        valid = _stage_valid(con, entity, source, rules.emptied)
        counts = con.execute("SELECT count(*), count(DISTINCT source_line) FROM __mapped").fetchall()
        mapped, lines = (int(counts[0][0]), int(counts[0][1])) if counts else (0, 0)
        # Most batches have no bad rows: skip the quarantine query, which scans the batch's records.
        if valid < mapped:
            con.execute(
                "INSERT INTO raw.quarantine SELECT ?, ?, p.source_line, p.field, p.reason, r.record, now() "
                f"FROM __problems p LEFT JOIN ({record_sql(spec, '__records', batch.is_json)}) r "
                "ON r.source_line = p.source_line ORDER BY p.source_line, p.field",
                [entity.name, source],
            )
        return valid, batch.table.num_rows - lines, tally.count_batch(con, entity, rules.defaults, rules.emptied)
    finally:
        con.unregister("__batch")


def _merge_batch(con: duckdb.DuckDBPyConnection, entity: Entity) -> None:
    """Merge the batch staged on ``con`` in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        _merge(con, entity)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _map(con: duckdb.DuckDBPyConnection, spec: SourceSpec, entity: Entity, is_json: bool, rules: Rules) -> None:
    """Map, type, redact and validate the batch in one query into ``__mapped``.

    Besides the mapped text columns, each row gets ``__typed_<col>``, ``__redacted_<col>`` and
    ``__failures``, the list of (field, reason) of the rules it breaks (malformed lines break
    one). DuckDB runs this query on every core, as it scans the Arrow batch's chunks in parallel;
    the later statements read a temp table of one row group, which one thread scans. The view
    ``__problems`` lists the failures, one row each.
    """
    typed_cols = [f"{typed(col)} AS __typed_{col.name}" for col in entity.columns if col.type != "VARCHAR"]
    typed_cols += [f"{redacted_sql(col)} AS __redacted_{col.name}" for col in entity.columns if col.redact]
    typed_cols += parent_lookups(entity, rules.references)
    checks = ", ".join(f"struct_pack(field := '{f}', reason := {expr})" for f, expr in rules.problems)
    failures = ("CASE WHEN __malformed THEN [struct_pack(field := '(record)', "
                "reason := 'malformed JSON: not a JSON object')] "
                f"ELSE list_filter([{checks}], lambda p: p.reason IS NOT NULL) END")
    con.execute(f"CREATE OR REPLACE TEMP TABLE __mapped AS SELECT *, {failures} AS __failures FROM "
                f"(SELECT *, {', '.join(typed_cols)} FROM ({mapping_sql(spec, '__records', is_json)}))")
    con.execute("CREATE OR REPLACE TEMP VIEW __problems AS SELECT source_line, p.field AS field, p.reason AS reason "
                "FROM (SELECT source_line, unnest(__failures) AS p FROM __mapped WHERE len(__failures) > 0)")


def _stage_valid(con: duckdb.DuckDBPyConnection, entity: Entity, source: str, emptied: tuple[Reference, ...]) -> int:
    """Define ``__candidates``, the batch's valid rows typed and redacted; return how many there are.

    A view over ``__mapped``, not a copy: the merge reads the key and version columns of it
    several times and every column once.
    """
    selects = ["rowid AS __rid"]
    for col in entity.columns:
        selects.append(f"{'NULL' if any(r.column == col.name for r in emptied) else kept(col)} AS {col.name}")
        if col.redact:
            selects.append(f"__redacted_{col.name} AS {col.name}_redacted")
    literal = "'" + source.replace("'", "''") + "'"
    selects += [f"{literal} AS source_file", "source_line", "now()::TIMESTAMP AS loaded_at"]
    con.execute(f"CREATE OR REPLACE TEMP VIEW __candidates AS SELECT {', '.join(selects)} FROM __mapped "
                "WHERE len(__failures) = 0")
    return _count(con, "__candidates")


def _merge(con: duckdb.DuckDBPyConnection, entity: Entity) -> None:
    """Merge ``__candidates`` into the raw table: latest version per key wins, identical reloads add nothing."""
    key, version, table = entity.key, entity.version, entity.table
    # Within the batch, keep the latest version of each key; only duplicated keys are sorted.
    order = f"{version} DESC, " if version else ""
    con.execute(f"CREATE OR REPLACE TEMP TABLE __dupes AS SELECT {key} FROM __candidates "
                f"GROUP BY {key} HAVING count(*) > 1")
    superseded = ""
    if _count(con, "__dupes"):
        con.execute(f"CREATE OR REPLACE TEMP TABLE __superseded AS SELECT __rid FROM __candidates WHERE {key} IN "
                    f"(SELECT {key} FROM __dupes) QUALIFY row_number() OVER (PARTITION BY {key} "
                    f"ORDER BY {order}source_line DESC) > 1")
        superseded = " WHERE __rid NOT IN (SELECT __rid FROM __superseded)"
    con.execute(f"CREATE OR REPLACE TEMP VIEW __valid AS SELECT * EXCLUDE (__rid) FROM __candidates{superseded}")
    source = "__valid"
    if version:
        con.execute(f"DELETE FROM {table} t USING {source} n WHERE t.{key} = n.{key} AND n.{version} >= t.{version}")
    # By name: tables brought up to date by ``migrate_sql`` have their newer columns last.
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {source} n WHERE NOT EXISTS "
                f"(SELECT 1 FROM {table} t WHERE t.{key} = n.{key})")
