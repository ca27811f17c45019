"""Link two files: the top-k backlog items for each feedback row, from a feedback CSV and a tracker CSV.

Works on any feedback export and any tracker export, without themes, and runs the same
:class:`topics.link.Matcher` as the pipeline. With a cache, a second run embeds no backlog text.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from topics.embed import Embedder, EmbeddingCache
from topics.errors import InputError
from topics.link.config import MatchConfig
from topics.link.matcher import BacklogItem, Matcher
from topics.link.text import split_title

log = logging.getLogger("closedloop.link")

OUTPUT_COLUMNS = ("feedback_id", "item_id", "rank", "score")


@dataclass(frozen=True)
class Columns:
    """The id and text columns of the two CSVs.

    Attributes:
        feedback_id: Id column of the feedback CSV.
        feedback_text: Text column of the feedback CSV.
        backlog_id: Id column of the backlog CSV.
        backlog_text: Text column of the backlog CSV (summary on its first line).
        backlog_title: Title column, used when the backlog CSV has no ``backlog_text`` column.
        backlog_body: Body column read with ``backlog_title`` (optional in the file).
        backlog_labels: Labels column (optional; ``;`` or ``,`` between labels).
        backlog_components: Components column (optional; ``;`` or ``,`` between components).
    """

    feedback_id: str = "feedback_id"
    feedback_text: str = "text"
    backlog_id: str = "item_id"
    backlog_text: str = "text"
    backlog_title: str = "title"
    backlog_body: str = "body"
    backlog_labels: str = "labels"
    backlog_components: str = "components"


@dataclass(frozen=True)
class LinkReport:
    """What :func:`link_files` did.

    Attributes:
        out_csv: The CSV written (``feedback_id, item_id, rank, score``).
        feedback_rows: Feedback rows matched.
        backlog_items: Distinct backlog items matched against.
        top_k: Items asked for per feedback row.
        rows_written: Rows in ``out_csv``.
        backlog_embedded: Distinct backlog texts embedded in this run.
        backlog_cached: Distinct backlog texts read from the cache.
        feedback_embedded: Distinct feedback texts embedded in this run.
        cache_path: DuckDB file of the embedding cache, or None without a cache.
        seconds: Wall time of the whole call, model load included.
    """

    out_csv: Path
    feedback_rows: int
    backlog_items: int
    top_k: int
    rows_written: int
    backlog_embedded: int
    backlog_cached: int
    feedback_embedded: int
    cache_path: Path | None
    seconds: float

    def __str__(self) -> str:
        """One line for the terminal."""
        return (f"linked {self.feedback_rows} feedback rows to {self.backlog_items} backlog items "
                f"(top {self.top_k}) -> {self.out_csv} in {self.seconds:.1f}s; backlog texts: "
                f"{self.backlog_embedded} embedded, {self.backlog_cached} cached")


def _read_csv(path: Path) -> pl.DataFrame:
    if not path.is_file():
        raise InputError(f"cannot read {path}: no such file")
    try:
        return pl.read_csv(path, infer_schema_length=0, encoding="utf8-lossy")
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(f"cannot read {path}: not a readable CSV ({str(exc).splitlines()[0]})") from exc


def read_columns(path: Path, id_col: str, text_col: str, what: str, flags: tuple[str, str],
                 frame: pl.DataFrame | None = None) -> pl.DataFrame:
    """``(id, text)`` of a CSV as strings; a clear error names the file, the missing column and its flag.

    Args:
        path: The CSV (named in every message).
        id_col: Id column.
        text_col: Text column.
        what: ``feedback`` or ``backlog``, for messages.
        flags: The command-line flags that name ``id_col`` and ``text_col``, for messages.
        frame: The file already read (``path`` then only names it in messages).

    Raises:
        InputError: The file is missing or unreadable, a column is absent, or a row has no id.
    """
    frame = _read_csv(path) if frame is None else frame
    for column, flag in zip((id_col, text_col), flags, strict=True):
        if column not in frame.columns:
            raise InputError(f"{path}: {what} CSV has no column {column!r} (columns: {', '.join(frame.columns)}); "
                             f"name the right one with {flag}")
    frame = frame.select(pl.col(id_col).alias("id"), pl.col(text_col).fill_null("").alias("text"))
    missing = frame.with_row_index("row").filter(pl.col("id").is_null() | (pl.col("id").str.strip_chars() == ""))
    if missing.height:
        first = int(missing["row"][0]) + 2  # 1-based, after the header line
        raise InputError(f"{path}: line {first} (and {missing.height - 1} more) has no {id_col!r} value")
    return frame


def _names(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in re.split(r"[;,]", value or "") if part.strip())


def read_backlog(path: Path, columns: Columns) -> list[BacklogItem]:
    """The backlog items of a tracker CSV: one text column (title on its first line), or title and body columns.

    Labels and components are read when their columns exist. Repeated ids keep their first row.

    Raises:
        InputError: The file is missing or unreadable, has neither text nor title column, or a row has no id.
    """
    raw = _read_csv(path)
    text_col = columns.backlog_text
    if text_col not in raw.columns and columns.backlog_title in raw.columns:
        body = pl.col(columns.backlog_body).fill_null("") if columns.backlog_body in raw.columns else pl.lit("")
        raw = raw.with_columns(pl.concat_str([pl.col(columns.backlog_title).fill_null(""), body],
                                             separator="\n").alias("__text"))
        text_col = "__text"
    elif text_col not in raw.columns:
        raise InputError(f"{path}: backlog CSV has neither a {text_col!r} column nor a {columns.backlog_title!r} "
                         f"column (columns: {', '.join(raw.columns)}); name the text column with --backlog-text-col")
    frame = read_columns(path, columns.backlog_id, text_col, "backlog", ("--backlog-id-col", "--backlog-text-col"),
                         frame=raw)
    extra = {name: raw[col] if col in raw.columns else pl.Series([None] * raw.height, dtype=pl.String)
             for name, col in (("labels", columns.backlog_labels), ("components", columns.backlog_components))}
    frame = frame.with_columns(labels=extra["labels"], components=extra["components"])
    duplicates = frame.height - frame["id"].n_unique()
    if duplicates:
        log.warning(f"{path}: {duplicates} repeated {columns.backlog_id!r} values; the first row of each is used")
        frame = frame.unique(subset="id", keep="first", maintain_order=True)
    items = []
    for item_id, text, labels, components in frame.select("id", "text", "labels", "components").iter_rows():
        title, description = split_title(text or "")
        items.append(BacklogItem(item_id, title, description, _names(labels), _names(components)))
    return items


def link_files(feedback_csv: Path, backlog_csv: Path, out_csv: Path, columns: Columns | None = None,
               top_k: int = 10, *, embedder: Embedder, config: MatchConfig | None = None,
               cache: EmbeddingCache | None = None) -> LinkReport:
    """Write the ``top_k`` backlog items of each feedback row to ``out_csv`` (rank 1 is best).

    The backlog is read by :func:`read_backlog`: a text column whose first line is the item's title
    (tracker exports put the summary first), or title and body columns, with labels and components
    when present. Repeated backlog ids keep their first row.

    Raises:
        InputError: A CSV is missing or unreadable, a column is missing, a row has no id, or
            ``top_k`` is not positive.
    """
    started = time.perf_counter()
    columns = columns or Columns()
    if top_k < 1:
        raise InputError(f"--top-k must be positive, got {top_k}")
    feedback = read_columns(feedback_csv, columns.feedback_id, columns.feedback_text, "feedback",
                            ("--feedback-id-col", "--feedback-text-col"))
    items = read_backlog(backlog_csv, columns)
    matcher = Matcher(items, config, embedder=embedder, cache=cache)
    matches = matcher.match(feedback["text"].to_list(), k=top_k) if feedback.height else []
    ids = feedback["id"].to_list()
    rows = [(ids[m.query_index], m.item_id, m.rank, round(m.score, 6)) for per_query in matches for m in per_query]
    out = pl.DataFrame(rows, schema={"feedback_id": pl.String, "item_id": pl.String, "rank": pl.Int64,
                                     "score": pl.Float64}, orient="row")
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    out.write_csv(out_csv)
    return LinkReport(out_csv=out_csv, feedback_rows=feedback.height, backlog_items=len(items), top_k=top_k,
                      rows_written=out.height, backlog_embedded=matcher.item_counts.embedded,
                      backlog_cached=matcher.item_counts.reused, feedback_embedded=matcher.query_counts.embedded,
                      cache_path=cache.path if cache is not None else None,
                      seconds=time.perf_counter() - started)
