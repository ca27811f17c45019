"""Connectors: read export files in batches and map them to canonical columns in SQL.

A connector turns one file into Arrow batches (with the 1-based ``source_line`` of each record)
and gives the SQL that maps a batch to the canonical columns of an entity, as text. Validation,
typing, redaction and the merge are shared (see :mod:`closedloop.ingest.load`).
"""

from __future__ import annotations

import csv
import json
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from closedloop.ingest.config import SourceSpec
from closedloop.ingest.errors import UnreadableFileError
from closedloop.ingest.schema import ENTITIES

BATCH_ROWS = 50_000

ZENDESK_CHANNELS = {
    "chat": "chat",
    "native_messaging": "chat",
    "email": "email",
    "web": "in_app",
    "mobile_sdk": "in_app",
    "mobile": "in_app",
    "twitter": "social",
    "facebook": "social",
    "instagram_dm": "social",
    "whatsapp": "social",
    "voice": "phone",
}
JIRA_TYPES = {"epic": "epic", "story": "story", "bug": "bug", "task": "task", "sub-task": "task", "subtask": "task"}
ZENDESK_ARRAYS = {
    "tickets": "tickets",
    "ticket_events": "audits",
    "satisfaction_ratings": "satisfaction_ratings",
    "agents": "users",
    "groups": "groups",
}


@dataclass(frozen=True)
class Batch:
    """A batch of records from one file.

    Attributes:
        table: Arrow table with ``source_line`` and either ``line`` (JSON text) or the file's columns.
        is_json: Whether records are JSON text in ``line``.
    """

    table: pa.Table
    is_json: bool


def file_format(path: Path, spec: SourceSpec) -> str:
    """The format of ``path``: the spec's, else from the extension."""
    if spec.format:
        return spec.format
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".json":
        return "json"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix == ".parquet":
        return "parquet"
    raise UnreadableFileError(path, f"unknown file type {suffix!r} (expected .jsonl, .json, .csv or .parquet)")


def read_batches(path: Path, spec: SourceSpec, batch_rows: int = BATCH_ROWS) -> Iterator[Batch]:
    """Yield the records of ``path`` in batches; raise UnreadableFileError if it cannot be read."""
    fmt = file_format(path, spec)
    try:
        if fmt == "jsonl":
            yield from _jsonl_batches(path, batch_rows)
        elif fmt == "json":
            yield from _json_page_batches(path, spec)
        elif fmt == "csv":
            yield from _csv_batches(path, batch_rows)
        elif fmt == "parquet":
            yield from _parquet_batches(path, batch_rows)
        else:
            raise UnreadableFileError(path, f"unknown format {fmt!r}")
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except (OSError, pa.ArrowException) as exc:
        raise UnreadableFileError(path, str(exc)) from exc


def read_ahead(batches: Iterator[Batch]) -> Iterator[Batch]:
    """Yield from ``batches`` while a thread reads the next batch.

    Arrow reads and splits the file with the GIL released, so the next batch is read while DuckDB
    works on the current one. One batch waits at most, so memory grows by one batch. Errors
    raised while reading come out of this iterator, in order.
    """
    ahead: queue.Queue[object] = queue.Queue(maxsize=1)
    stop = threading.Event()
    finished = object()

    def offer(item: object) -> bool:
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for batch in batches:
                if not offer(batch):
                    return
            offer(finished)
        except BaseException as exc:  # handed to the consumer, which raises it
            offer(exc)
        finally:
            close = getattr(batches, "close", None)
            if close:
                close()

    reader = threading.Thread(target=produce, name="closedloop-read-ahead", daemon=True)
    reader.start()
    try:
        while (item := ahead.get()) is not finished:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        reader.join()


def _jsonl_batches(path: Path, batch_rows: int) -> Iterator[Batch]:
    """Stream lines with Arrow's CSV reader (one column, no quoting): fast and bounded in memory.

    Falls back to reading line by line when a line contains the byte the fast path splits on.
    """
    try:
        yield from _jsonl_batches_arrow(path, batch_rows)
    except _NeedsSlowPath:
        yield from _jsonl_batches_python(path, batch_rows)


class _NeedsSlowPath(Exception):
    pass


def _jsonl_batches_arrow(path: Path, batch_rows: int = BATCH_ROWS) -> Iterator[Batch]:
    def on_invalid(row: pacsv.InvalidRow) -> str:
        raise _NeedsSlowPath

    # Small blocks, one thread: Arrow's streaming reader reads ahead, so the block size bounds memory.
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(column_names=["line"], block_size=8 << 20, use_threads=False),
        parse_options=pacsv.ParseOptions(delimiter="\x01", quote_char=False, escape_char=False,
                                         ignore_empty_lines=False, invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(column_types={"line": pa.string()}, strings_can_be_null=False),
    )
    offset = 0
    pending: list[pa.RecordBatch] = []
    pending_rows = 0
    for record_batch in chain(reader, [None]):
        if record_batch is not None:
            pending.append(record_batch)
            pending_rows += record_batch.num_rows
            if pending_rows < batch_rows:
                continue
        if not pending_rows:
            break
        lines = pa.array(range(offset + 1, offset + pending_rows + 1), pa.int64())
        offset += pending_rows
        # Several chunks let DuckDB scan the batch on every core.
        table = pa.Table.from_batches(pending).add_column(0, "source_line", lines)
        pending, pending_rows = [], 0
        yield Batch(table, True)


def _jsonl_batches_python(path: Path, batch_rows: int) -> Iterator[Batch]:
    with path.open(encoding="utf-8") as handle:
        numbered = ((n, line.rstrip("\r\n")) for n, line in enumerate(handle, start=1))
        nonblank = ((n, line) for n, line in numbered if line.strip())
        while chunk := list(islice(nonblank, batch_rows)):
            lines, texts = zip(*chunk, strict=True)
            yield Batch(pa.table({"source_line": pa.array(lines, pa.int64()), "line": pa.array(texts)}), True)


def _json_page_batches(path: Path, spec: SourceSpec) -> Iterator[Batch]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UnreadableFileError(path, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    array_key = "issues" if spec.connector == "jira" else ZENDESK_ARRAYS.get(spec.entity, spec.entity)
    if isinstance(doc, list):
        records = doc
    elif isinstance(doc, dict) and isinstance(doc.get(array_key), list):
        records = doc[array_key]
    else:
        raise UnreadableFileError(path, f"expected a JSON array or an object with an {array_key!r} array")
    texts = [json.dumps(r, ensure_ascii=False) if isinstance(r, dict) else json.dumps(r) for r in records]
    yield Batch(pa.table({"source_line": pa.array(range(1, len(texts) + 1), pa.int64()), "line": pa.array(texts)}),
                True)


def _csv_batches(path: Path, batch_rows: int) -> Iterator[Batch]:
    with path.open(encoding="utf-8", newline="") as handle:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        reader = csv.reader(handle, delimiter=delimiter)
        header = next(reader, None)
        if not header:
            raise UnreadableFileError(path, "empty file (no header row)")
        header = [h.strip() for h in header]
        width = len(header)
        lines: list[int] = []
        columns: list[list[str | None]] = [[] for _ in header]
        ragged: list[str | None] = []
        line_start = reader.line_num + 1
        for row in reader:
            if not any(cell.strip() for cell in row):
                line_start = reader.line_num + 1
                continue
            lines.append(line_start)
            ragged.append(None if len(row) == width else f"expected {width} fields, found {len(row)}")
            for i in range(width):
                columns[i].append(row[i] if i < len(row) else None)
            line_start = reader.line_num + 1
            if len(lines) >= batch_rows:
                yield _csv_batch(header, lines, columns, ragged)
                lines, columns, ragged = [], [[] for _ in header], []
        if lines:
            yield _csv_batch(header, lines, columns, ragged)


def _csv_batch(header: list[str], lines: list[int], columns: list[list[str | None]], ragged: list[str | None]) -> Batch:
    data: dict[str, pa.Array] = {"source_line": pa.array(lines, pa.int64()), "__ragged": pa.array(ragged, pa.string())}
    for name, values in zip(header, columns, strict=True):
        data[name] = pa.array(values, pa.string())
    return Batch(pa.table(data), False)


def _parquet_batches(path: Path, batch_rows: int) -> Iterator[Batch]:
    parquet = pq.ParquetFile(path)
    offset = 0
    for record_batch in parquet.iter_batches(batch_size=batch_rows):
        table = pa.Table.from_batches([record_batch])
        table = table.cast(pa.schema([pa.field(f.name, pa.string()) for f in table.schema]))
        n = table.num_rows
        table = table.add_column(0, "source_line", pa.array(range(offset + 1, offset + n + 1), pa.int64()))
        table = table.append_column("__ragged", pa.nulls(n, pa.string()))
        offset += n
        yield Batch(table, False)


# --- SQL mapping ----------------------------------------------------------------------------

def _q(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _case_map(expr: str, mapping: dict[str, str]) -> str:
    whens = " ".join(f"WHEN {_q(k)} THEN {_q(v)}" for k, v in sorted(mapping.items()))
    return f"CASE lower({expr}) {whens} ELSE {expr} END"


class _Shape:
    """Builds one ``from_json`` structure per document, so each JSON line is parsed exactly once.

    ``shape("$.via.channel")`` registers the path and returns the SQL that reads it from the
    parsed struct. Malformed lines parse to NULL (``try``) and are quarantined by the loader.
    """

    def __init__(self, doc: str) -> None:
        self.doc = doc
        self.tree: dict[str, Any] = {}

    def __call__(self, path: str, kind: Any = "VARCHAR") -> str:
        keys = path.removeprefix("$.").split(".")
        node = self.tree
        for key in keys[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                raise ValueError(f"{path}: {key} is both a value and an object")
        node.setdefault(keys[-1], kind)
        return f"__{self.doc}" + "".join(f"[{_q(k)}]" for k in keys)

    def select(self) -> str:
        """The ``try(from_json(...)) AS __<doc>`` select item."""
        return f"try(from_json({self.doc}, {_q(json.dumps(self.tree))})) AS __{self.doc}"


def mapping_sql(spec: SourceSpec, batch: str, is_json: bool) -> str:
    """SQL selecting ``source_line``, ``record`` and every canonical column (as text) from ``batch``.

    For JSON batches each line is parsed once; ``__malformed`` marks lines that are not JSON
    objects (they come out once, with every canonical column NULL).
    """
    entity = ENTITIES[spec.entity]
    if spec.connector == "zendesk":
        exprs, from_sql = _zendesk(spec, batch)
    elif spec.connector == "jira":
        exprs, from_sql = _jira(batch)
    else:
        exprs, from_sql = _generic(spec, batch, is_json)
    malformed = "(__line IS NULL OR NOT starts_with(ltrim(line), '{'))" if is_json else "false"
    ragged = "NULL" if is_json else "__ragged"
    raw = ["source_line", f"{malformed} AS __malformed", f"{ragged} AS __ragged"]
    selects = ["source_line", "__malformed", "__ragged"]
    for col in entity.columns:
        expr = exprs.get(col.name, "NULL")
        if col.name in spec.values:
            expr = _case_map(f"CAST({expr} AS VARCHAR)", spec.values[col.name])
        raw.append(f"CAST({expr} AS VARCHAR) AS {col.name}")
        expr = _trimmed(col.name)
        if col.name in spec.defaults:
            expr = f"coalesce({expr}, {_q(spec.defaults[col.name])})"
        selects.append(f"{expr} AS {col.name}")
    return f"SELECT {', '.join(selects)} FROM (SELECT {', '.join(raw)} FROM {from_sql})"


def _trimmed(column: str) -> str:
    """``nullif(trim(column), '')``, calling trim only on values that start or end with a space.

    DuckDB's trim removes Unicode space separators (category Zs) and decodes the whole string to
    find them at the end, which costs seconds on a million ticket bodies. Both regexes are
    anchored, so RE2 looks only at the first or last character.
    """
    needs_trim = rf"regexp_matches({column}, '^\p{{Zs}}') OR regexp_matches({column}, '\p{{Zs}}$')"
    return f"nullif(CASE WHEN {needs_trim} THEN trim({column}) ELSE {column} END, '')"


def record_sql(spec: SourceSpec, batch: str, is_json: bool) -> str:
    """SQL selecting ``source_line`` and the original record as text, for quarantined rows."""
    if is_json:
        return f"SELECT source_line, line AS record FROM {batch}"
    columns = sorted(c for c in spec.columns.values())
    fields = ", ".join(f"{_ident(c)} := {_ident(c)}" for c in dict.fromkeys(columns))
    return f"SELECT source_line, CAST(to_json(struct_pack({fields})) AS VARCHAR) AS record FROM {batch}"


def _zendesk(spec: SourceSpec, batch: str) -> tuple[dict[str, str], str]:
    name = spec.entity
    js = _Shape("line")
    if name == "tickets":
        exprs = {
            "ticket_id": js("$.id"),
            "created_at": js("$.created_at"),
            "updated_at": js("$.updated_at"),
            "solved_at": js("$.metric_set.solved_at"),
            "subject": js("$.subject"),
            "body": f"coalesce({js('$.description')}, {js('$.raw_subject')})",
            "status": f"lower({js('$.status')})",
            "priority": f"coalesce(lower({js('$.priority')}), 'normal')",
            "channel": _case_map(js("$.via.channel"), ZENDESK_CHANNELS),
            "requester_id": js("$.requester_id"),
            "assignee_id": js("$.assignee_id"),
            "group_id": js("$.group_id"),
            "tags": js("$.tags", "JSON"),
        }
        fields = js("$.custom_fields", [{"id": "VARCHAR", "value": "VARCHAR"}])
        for column, cf_id in spec.custom_fields.items():
            exprs[column] = f"{fields}[list_position(__cf_ids, {_q(str(cf_id))})]['value']"
        parsed = f"SELECT *, {js.select()} FROM {batch}"
        return exprs, f"(SELECT *, list_transform({fields}, lambda f: f['id']) AS __cf_ids FROM ({parsed}))"
    if name == "ticket_events":
        ev = _Shape("ev")
        exprs = {
            "event_id": ev("$.id"),
            "audit_id": js("$.id"),
            "ticket_id": js("$.ticket_id"),
            "created_at": js("$.created_at"),
            "author_id": f"coalesce({ev('$.author_id')}, {js('$.author_id')})",
            "event_type": f"lower({ev('$.type')})",
            "field_name": ev("$.field_name"),
            "value": ev("$.value"),
            "previous_value": ev("$.previous_value"),
            "is_public": ev("$.public"),
        }
        events = js("$.events", ["JSON"])
        unnested = (f"SELECT source_line, line, __line, unnest(CASE WHEN __line IS NULL THEN [NULL::JSON] "
                    f"ELSE coalesce({events}, []) END) AS ev FROM ({{inner}})")
        inner = f"SELECT *, {js.select()} FROM {batch}"
        from_sql = (f"(SELECT *, {ev.select()} FROM ({unnested.format(inner=inner)})) "
                    f"WHERE __line IS NULL OR lower({ev('$.type')}) IN ('create', 'change', 'comment')")
        return exprs, from_sql
    if name == "satisfaction_ratings":
        keys = ("ticket_id", "assignee_id", "requester_id", "created_at", "updated_at", "comment", "rating")
        exprs = {k: js(f"$.{k}") for k in keys}
        exprs["rating_id"] = js("$.id")
        exprs["score"] = f"lower({js('$.score')})"
        return exprs, f"(SELECT *, {js.select()} FROM {batch})"
    if name == "agents":
        exprs = {
            "agent_id": js("$.id"),
            "name": js("$.name"),
            "role": js("$.role"),
            "default_group_id": js("$.default_group_id"),
            "is_bot": f"coalesce({js('$.user_fields.is_bot')}, 'false')",
            "is_active": f"coalesce({js('$.active')}, 'true')",
            "created_at": js("$.created_at"),
        }
        agents_only = f"WHERE coalesce({js('$.role')}, 'agent') <> 'end-user'"
        return exprs, f"(SELECT *, {js.select()} FROM {batch}) {agents_only}"
    if name == "groups":
        exprs = {"group_id": js("$.id"), "name": js("$.name"), "created_at": js("$.created_at")}
        return exprs, f"(SELECT *, {js.select()} FROM {batch})"
    raise UnreadableFileError(name, f"the zendesk connector does not read {name}; use the generic connector")


def _jira(batch: str) -> tuple[dict[str, str], str]:
    js = _Shape("line")
    done = f"lower({js('$.fields.status.statusCategory.key')}) = 'done'"
    components = js("$.fields.components", [{"name": "VARCHAR"}])
    exprs = {
        "item_id": js("$.key"),
        "item_type": _case_map(js("$.fields.issuetype.name"), JIRA_TYPES),
        "summary": js("$.fields.summary"),
        "description": js("$.fields.description"),
        "status": js("$.fields.status.name"),
        "status_category": f"lower({js('$.fields.status.statusCategory.key')})",
        "priority": js("$.fields.priority.name"),
        "created_at": js("$.fields.created"),
        "updated_at": f"coalesce({js('$.fields.updated')}, {js('$.fields.created')})",
        "shipped_at": f"CASE WHEN {done} THEN {js('$.fields.resolutiondate')} END",
        "labels": js("$.fields.labels", "JSON"),
        "components": f"to_json(list_transform({components}, lambda c: c['name']))",
        "parent_key": js("$.fields.parent.key"),
        "helpdesk_links": js("$.fields.customfield_10050"),
    }
    return exprs, f"(SELECT *, {js.select()} FROM {batch})"


def _generic(spec: SourceSpec, batch: str, is_json: bool) -> tuple[dict[str, str], str]:
    if is_json:
        js = _Shape("line")
        exprs = {canon: js("$." + src) for canon, src in spec.columns.items()}
        return exprs, f"(SELECT *, {js.select()} FROM {batch})"
    return {canon: _ident(src) for canon, src in spec.columns.items()}, batch
