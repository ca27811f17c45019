"""Readers: export files in batches of Arrow records, each with its 1-based ``source_line``.

JSON lines (Arrow's fast path, with a Python fallback for lines Arrow cannot type), Zendesk and
Jira JSON pages, CSV (ragged rows kept for quarantine) and Parquet. What a record means is the
connectors' business (:mod:`closedloop.ingest.connectors`).
"""

from __future__ import annotations

import csv
import json
import mmap
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from closedloop.core.errors import UnreadableFileError
from closedloop.ingest.config import SourceSpec
from closedloop.ingest.schema import ENTITIES

BATCH_ROWS = 50_000

ZENDESK_ARRAYS = {
    "tickets": "tickets",
    "ticket_events": "audits",
    "satisfaction_ratings": "satisfaction_ratings",
    "agents": "users",
    "groups": "groups",
    "schedules": "schedules",
    "schedule_holidays": "holidays",
    "sla_policies": "sla_policies",
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
        _check_readable(path, fmt)
        if path.stat().st_size == 0:  # an empty export holds no records: nothing to load, nothing wrong
            return
        if fmt == "jsonl":
            yield from _jsonl_batches(path, batch_rows)
        elif fmt == "json":
            yield from _json_page_batches(path, spec)
        elif fmt == "csv":
            yield from _csv_batches(path, spec, batch_rows)
        elif fmt == "parquet":
            yield from _parquet_batches(path, batch_rows)
        else:
            raise UnreadableFileError(path, f"unknown format {fmt!r}")
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except csv.Error as exc:
        raise UnreadableFileError(path, f"not a CSV file ({exc})") from exc
    except (OSError, pa.ArrowException) as exc:
        raise UnreadableFileError(path, exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                                  ) from exc


GZIP_MAGIC = b"\x1f\x8b"


def _check_readable(path: Path, fmt: str) -> None:
    """Fail early, before any record is read, on a folder, a file we may not open, or a compressed file.

    Raises:
        UnreadableFileError: It is a folder or a gzip archive.
        OSError: It cannot be opened (permission denied...).
    """
    if path.is_dir():
        raise UnreadableFileError(path, "is a folder, not an export file")
    with path.open("rb") as handle:
        head = handle.read(2)
    if head == GZIP_MAGIC and fmt != "parquet":
        raise UnreadableFileError(path, "is gzip-compressed (or a corrupt gzip archive); decompress it first")


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
            assert isinstance(item, Batch)
            yield item
    finally:
        stop.set()
        reader.join()


def _jsonl_batches(path: Path, batch_rows: int) -> Iterator[Batch]:
    """Stream lines with Arrow's CSV reader (one column, no quoting): fast and bounded in memory.

    Reads line by line instead when the file holds a carriage return (Arrow would split a record at
    a lone one and shift every later line number), and goes on line by line after the lines already
    read when Arrow meets a line holding the byte it splits on or bytes that are not UTF-8. Such a
    line is kept with its bytes escaped (:func:`_decoded`), so it is quarantined and the rest of the
    file loads.
    """
    if _has_carriage_return(path):  # rare in JSON lines: Arrow would split records at a lone one
        yield from _jsonl_batches_python(path, batch_rows)
        return
    lines_done = [0]
    try:
        yield from _jsonl_batches_arrow(path, batch_rows, lines_done)
    except _NeedsSlowPath:
        yield from _jsonl_batches_python(path, batch_rows, skip=lines_done[0])


def _has_carriage_return(path: Path) -> bool:
    """Whether the file holds a carriage return anywhere (one memchr pass over a memory map, no copy)."""
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return data.find(b"\r") != -1


class _NeedsSlowPath(Exception):
    """The fast path met a line it cannot read; the slow path goes on after the lines already yielded."""


def _jsonl_batches_arrow(path: Path, batch_rows: int = BATCH_ROWS, lines_done: list[int] | None = None
                         ) -> Iterator[Batch]:
    """Batches from Arrow's reader; ``lines_done[0]`` counts the lines yielded so far.

    Raises:
        _NeedsSlowPath: A line holds the delimiter byte, or bytes that are not UTF-8.
    """
    done = lines_done if lines_done is not None else [0]

    def on_invalid(row: pacsv.InvalidRow) -> str:
        raise _NeedsSlowPath

    # Small blocks, one thread: Arrow's streaming reader reads ahead, so the block size bounds memory.
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=["line"], block_size=8 << 20, use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter="\x01", quote_char=False, escape_char=False,
                                             ignore_empty_lines=False, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types={"line": pa.string()}, strings_can_be_null=False),
        )
        for table in _arrow_tables(reader, batch_rows):
            lines = pa.array(range(done[0] + 1, done[0] + table.num_rows + 1), pa.int64())
            done[0] += table.num_rows
            yield Batch(table.add_column(0, "source_line", lines), True)
    except pa.ArrowInvalid as exc:
        if "utf8" not in str(exc).lower():
            raise
        raise _NeedsSlowPath from exc


def _arrow_tables(reader: pacsv.CSVStreamingReader, batch_rows: int) -> Iterator[pa.Table]:
    """Arrow's record batches gathered into tables of at most about ``batch_rows`` lines."""
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
        # Several chunks let DuckDB scan the batch on every core.
        yield pa.Table.from_batches(pending)
        pending, pending_rows = [], 0


def _decoded(line: bytes) -> str:
    """A line as text; bytes that are not UTF-8 are shown escaped.

    The escape (a backslash, ``x`` and two hex digits) is no JSON a parser accepts, so such a line is
    quarantined with its bytes visible instead of failing the whole file.
    """
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("utf-8", errors="backslashreplace")


def _jsonl_batches_python(path: Path, batch_rows: int, skip: int = 0) -> Iterator[Batch]:
    """Line by line, numbered by line feeds only (a lone carriage return stays inside its record).

    ``skip`` lines at the start were already read (by the fast path before it met a line it cannot take).
    """
    with path.open("rb") as handle:
        numbered = ((n, _decoded(line.rstrip(b"\n").removesuffix(b"\r")))
                    for n, line in islice(enumerate(handle, start=1), skip, None))
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
    texts = [_record_text(r) for r in records]
    yield Batch(pa.table({"source_line": pa.array(range(1, len(texts) + 1), pa.int64()), "line": pa.array(texts)}),
                True)


def _record_text(record: object) -> str:
    """A record of a JSON page as JSON text; escaped to ASCII when it holds a lone surrogate (no UTF-8 for it)."""
    text = json.dumps(record, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(record)
    return text


def _csv_batches(path: Path, spec: SourceSpec, batch_rows: int) -> Iterator[Batch]:
    csv.field_size_limit(1 << 30)  # a long comment is a long field, not a broken file
    with path.open(encoding="utf-8", newline="") as handle:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        reader = csv.reader(handle, delimiter=delimiter)
        header = next(reader, None)
        if not header:
            raise UnreadableFileError(path, "empty file (no header row)")
        header = [h.strip() for h in header]
        _check_header(path, spec, header)
        mapped = set(spec.columns.values())
        twice = sorted({h for h in header if h in mapped and header.count(h) > 1})
        if twice:
            raise UnreadableFileError(path, f"broken header: column(s) {', '.join(twice)} appear more than once")
        header = [h if h not in header[:i] else f"{h}__{i}" for i, h in enumerate(header)]
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


def _check_header(path: Path, spec: SourceSpec, header: list[str]) -> None:
    """Raise when the header lacks a column the mapping needs for a required value (a broken header)."""
    entity = ENTITIES[spec.entity]
    missing = sorted({src for canon, src in spec.columns.items()
                      if entity.column(canon).required and canon not in spec.defaults and src not in header})
    if missing:
        raise UnreadableFileError(path, f"missing column(s) {', '.join(missing)} that the {spec.entity} "
                                        "column mapping needs (is the header row broken?)")


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
