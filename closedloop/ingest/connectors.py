"""Connectors: read export files in batches and map them to canonical columns in SQL.

A connector turns one file into Arrow batches (with the 1-based ``source_line`` of each record)
and gives the SQL that maps a batch to the canonical columns of an entity, as text. Validation,
typing, redaction and the merge are shared (see :mod:`closedloop.ingest.load`).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from closedloop.ingest.config import SourceSpec
from closedloop.ingest.errors import UnreadableFileError
from closedloop.ingest.schema import ENTITIES

BATCH_ROWS = 100_000

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


def _jsonl_batches(path: Path, batch_rows: int) -> Iterator[Batch]:
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


def _js(path: str, doc: str = "line") -> str:
    return f"json_extract_string({doc}, {_q(path)})"


def _custom_field(cf_id: int) -> str:
    return f"list_filter(cf, lambda x: x.id = {_q(str(cf_id))})[1].value"


def mapping_sql(spec: SourceSpec, batch: str, is_json: bool) -> str:
    """SQL selecting ``source_line``, ``record`` and every canonical column (as text) from ``batch``.

    For JSON batches, only lines that are JSON objects reach this query (malformed lines are
    quarantined before it).
    """
    entity = ENTITIES[spec.entity]
    if spec.connector == "zendesk":
        exprs, from_sql, record = _zendesk(spec, batch)
    elif spec.connector == "jira":
        exprs, from_sql, record = _jira(batch), batch, "line"
    else:
        exprs, from_sql, record = _generic(spec, batch, is_json)
    selects = ["source_line", f"CAST({record} AS VARCHAR) AS record"]
    for col in entity.columns:
        expr = exprs.get(col.name, "NULL")
        if col.name in spec.values:
            expr = _case_map(f"CAST({expr} AS VARCHAR)", spec.values[col.name])
        expr = f"nullif(trim(CAST({expr} AS VARCHAR)), '')"
        if col.name in spec.defaults:
            expr = f"coalesce({expr}, {_q(spec.defaults[col.name])})"
        selects.append(f"{expr} AS {col.name}")
    return f"SELECT {', '.join(selects)} FROM {from_sql}"


def _zendesk(spec: SourceSpec, batch: str) -> tuple[dict[str, str], str, str]:
    name = spec.entity
    if name == "tickets":
        cf = spec.custom_fields
        exprs = {
            "ticket_id": _js("$.id"),
            "created_at": _js("$.created_at"),
            "updated_at": _js("$.updated_at"),
            "solved_at": _js("$.metric_set.solved_at"),
            "subject": _js("$.subject"),
            "body": f"coalesce({_js('$.description')}, {_js('$.raw_subject')})",
            "status": f"lower({_js('$.status')})",
            "priority": f"coalesce(lower({_js('$.priority')}), 'normal')",
            "channel": _case_map(_js("$.via.channel"), ZENDESK_CHANNELS),
            "requester_id": _js("$.requester_id"),
            "assignee_id": _js("$.assignee_id"),
            "group_id": _js("$.group_id"),
            "tags": "CAST(json_extract(line, '$.tags') AS VARCHAR)",
        }
        for column, cf_id in cf.items():
            exprs[column] = _custom_field(cf_id)
        from_sql = (f"(SELECT *, from_json(coalesce(json_extract(line, '$.custom_fields'), '[]'), "
                    f"'[{{\"id\": \"VARCHAR\", \"value\": \"VARCHAR\"}}]') AS cf FROM {batch})")
        return exprs, from_sql, "line"
    if name == "ticket_events":
        exprs = {
            "event_id": _js("$.id", "ev"),
            "audit_id": _js("$.id"),
            "ticket_id": _js("$.ticket_id"),
            "created_at": _js("$.created_at"),
            "author_id": f"coalesce({_js('$.author_id', 'ev')}, {_js('$.author_id')})",
            "event_type": f"lower({_js('$.type', 'ev')})",
            "field_name": _js("$.field_name", "ev"),
            "value": _js("$.value", "ev"),
            "previous_value": _js("$.previous_value", "ev"),
            "is_public": _js("$.public", "ev"),
        }
        from_sql = (f"(SELECT source_line, line, unnest(coalesce(json_extract(line, '$.events[*]'), []::JSON[])) AS ev "
                    f"FROM {batch}) WHERE lower({_js('$.type', 'ev')}) IN ('create', 'change', 'comment')")
        return exprs, from_sql, "ev"
    if name == "satisfaction_ratings":
        keys = ("ticket_id", "assignee_id", "requester_id", "created_at", "updated_at", "comment", "rating")
        exprs = {k: _js(f"$.{k}") for k in keys}
        exprs["rating_id"] = _js("$.id")
        exprs["score"] = f"lower({_js('$.score')})"
        return exprs, batch, "line"
    if name == "agents":
        exprs = {
            "agent_id": _js("$.id"),
            "name": _js("$.name"),
            "role": _js("$.role"),
            "default_group_id": _js("$.default_group_id"),
            "is_bot": f"coalesce({_js('$.user_fields.is_bot')}, 'false')",
            "is_active": f"coalesce({_js('$.active')}, 'true')",
            "created_at": _js("$.created_at"),
        }
        return exprs, f"{batch} WHERE coalesce({_js('$.role')}, 'agent') <> 'end-user'", "line"
    if name == "groups":
        return {"group_id": _js("$.id"), "name": _js("$.name"), "created_at": _js("$.created_at")}, batch, "line"
    raise UnreadableFileError(name, f"the zendesk connector does not read {name}; use the generic connector")


def _jira(batch: str) -> dict[str, str]:
    return {
        "item_id": _js("$.key"),
        "item_type": _case_map(_js("$.fields.issuetype.name"), JIRA_TYPES),
        "summary": _js("$.fields.summary"),
        "description": _js("$.fields.description"),
        "status": _js("$.fields.status.name"),
        "status_category": f"lower({_js('$.fields.status.statusCategory.key')})",
        "priority": _js("$.fields.priority.name"),
        "created_at": _js("$.fields.created"),
        "updated_at": f"coalesce({_js('$.fields.updated')}, {_js('$.fields.created')})",
        "shipped_at": (f"CASE WHEN lower({_js('$.fields.status.statusCategory.key')}) = 'done' "
                       f"THEN {_js('$.fields.resolutiondate')} END"),
        "labels": "CAST(json_extract(line, '$.fields.labels') AS VARCHAR)",
        "components": "CAST(json_extract(line, '$.fields.components[*].name') AS VARCHAR)",
        "parent_key": _js("$.fields.parent.key"),
        "helpdesk_links": _js("$.fields.customfield_10050"),
    }


def _generic(spec: SourceSpec, batch: str, is_json: bool) -> tuple[dict[str, str], str, str]:
    if is_json:
        exprs = {canon: f"json_extract_string(line, {_q('$.' + json.dumps(src))})" for canon, src in spec.columns.items()}
        return exprs, batch, "line"
    exprs = {canon: _ident(src) for canon, src in spec.columns.items()}
    record = f"to_json(struct_pack({', '.join(f'{_ident(c)} := {_ident(c)}' for c in sorted(set(spec.columns.values())))}))"
    return exprs, batch, record
