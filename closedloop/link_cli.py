"""``closedloop link``: the top-k backlog items for each feedback row, from two CSV files.

Works on any feedback export and any tracker export, without themes, and runs the same
:class:`topics.link.Matcher` as the pipeline. Backlog embeddings are cached in
``$CLOSEDLOOP_HOME/cache/link_embeddings.duckdb``, so a second run embeds no backlog text again.

The lead wires it in with one line in ``closedloop/cli.py``'s ``build_parser``:
``add_link_parser(sub)``.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from closedloop.cli import positive_int
from closedloop.ingest.errors import ClosedloopError, UnreadableFileError

if TYPE_CHECKING:  # the matcher (torch, sentence-transformers, polars) loads only when `link` runs
    import polars as pl

    from topics.link import MatchConfig, MiniLMEmbedder, TextEmbedder

log = logging.getLogger("closedloop.link")

CACHE_FILE = "link_embeddings.duckdb"
OUTPUT_COLUMNS = ("feedback_id", "item_id", "rank", "score")


class LinkInputError(ClosedloopError):
    """A feedback or backlog CSV lacks a column or a row lacks its id."""


@dataclass(frozen=True)
class LinkReport:
    """What ``link`` did.

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


def default_cache_path() -> Path:
    """``$CLOSEDLOOP_HOME/cache/link_embeddings.duckdb`` (``./state`` when the variable is unset)."""
    from closedloop.settings import load_settings

    return load_settings().cache / CACHE_FILE


def default_embedder(quantize: bool | None = None) -> MiniLMEmbedder:
    """The packaged MiniLM with ``$CLOSEDLOOP_TORCH_THREADS`` torch threads (default 1).

    Args:
        quantize: Dynamic int8 quantization; None reads ``CLOSEDLOOP_LINK_INT8`` (default on).
            Int8 embeds about 2x faster on CPU, which is what lets a cold ``closedloop link``
            against 5,000 items finish in under 30 s here, but a text's int8 vector depends on
            the texts batched with it (see topics/link/README.md); float32 vectors do not.
    """
    threads = os.environ.get("CLOSEDLOOP_TORCH_THREADS", "1")
    try:
        num_threads = max(1, int(threads))
    except ValueError as exc:
        raise ClosedloopError(f"CLOSEDLOOP_TORCH_THREADS must be a whole number, got {threads!r}") from exc
    if quantize is None:
        quantize = os.environ.get("CLOSEDLOOP_LINK_INT8", "1").strip().lower() not in ("0", "false", "no")
    from topics.link import EmbedderConfig, MiniLMEmbedder

    return MiniLMEmbedder(EmbedderConfig(num_threads=num_threads, quantize=quantize))


def _read_columns(path: Path, id_col: str, text_col: str, what: str, id_flag: str, text_flag: str) -> pl.DataFrame:
    """``(id, text)`` of a CSV as strings; a clear error names the file and the missing column."""
    import polars as pl

    if not path.is_file():
        raise UnreadableFileError(path, "no such file")
    try:
        frame = pl.read_csv(path, infer_schema_length=0, encoding="utf8-lossy")
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise UnreadableFileError(path, f"not a readable CSV ({str(exc).splitlines()[0]})") from exc
    for column, flag in ((id_col, id_flag), (text_col, text_flag)):
        if column not in frame.columns:
            raise LinkInputError(
                f"{path}: {what} CSV has no column {column!r} (columns: {', '.join(frame.columns)}); "
                f"name the right one with {flag}"
            )
    frame = frame.select(pl.col(id_col).alias("id"), pl.col(text_col).fill_null("").alias("text"))
    missing = frame.with_row_index("row").filter(pl.col("id").is_null() | (pl.col("id").str.strip_chars() == ""))
    if missing.height:
        first = int(missing["row"][0]) + 2  # 1-based, after the header line
        raise LinkInputError(f"{path}: line {first} (and {missing.height - 1} more) has no {id_col!r} value")
    return frame


def link(
    feedback_csv: Path | str,
    backlog_csv: Path | str,
    out_csv: Path | str,
    feedback_id_col: str = "feedback_id",
    feedback_text_col: str = "text",
    backlog_id_col: str = "item_id",
    backlog_text_col: str = "text",
    top_k: int = 10,
    *,
    config: MatchConfig | None = None,
    embedder: TextEmbedder | None = None,
    cache_path: Path | None = None,
    use_cache: bool = True,
) -> LinkReport:
    """Write the ``top_k`` backlog items of each feedback row to ``out_csv``.

    The backlog text's first line is taken as the item's title (tracker exports put the summary
    first); the rest is its description.

    Args:
        feedback_csv: CSV with one feedback row (review, ticket, survey answer) per line.
        backlog_csv: Tracker export as CSV, one item per line.
        out_csv: Output CSV with the columns ``feedback_id, item_id, rank, score``; rank 1 is best.
        feedback_id_col: Id column of the feedback CSV.
        feedback_text_col: Text column of the feedback CSV.
        backlog_id_col: Id column of the backlog CSV.
        backlog_text_col: Text column of the backlog CSV.
        top_k: Items per feedback row (fewer when the backlog is smaller).
        config: Matcher configuration; None means the measured defaults.
        embedder: Embedding model; None means the packaged MiniLM.
        cache_path: Embedding cache file; None means ``$CLOSEDLOOP_HOME/cache/link_embeddings.duckdb``.
        use_cache: False embeds everything and touches no cache file.

    Returns:
        Counts, the embedding cache's use and the wall time.

    Raises:
        UnreadableFileError: If a CSV is missing or cannot be parsed.
        LinkInputError: If a column is missing or a row has no id.
        ClosedloopError: If ``top_k`` is not positive.
    """
    import polars as pl

    from topics.link import BacklogItem, EmbeddingCache, Matcher

    started = time.perf_counter()
    if top_k < 1:
        raise ClosedloopError(f"--top-k must be positive, got {top_k}")
    feedback_path, backlog_path, out_path = Path(feedback_csv), Path(backlog_csv), Path(out_csv)
    feedback = _read_columns(feedback_path, feedback_id_col, feedback_text_col, "feedback",
                             "--feedback-id-col", "--feedback-text-col")
    backlog = _read_columns(backlog_path, backlog_id_col, backlog_text_col, "backlog",
                            "--backlog-id-col", "--backlog-text-col")
    duplicates = backlog.height - backlog["id"].n_unique()
    if duplicates:
        log.warning(f"{backlog_path}: {duplicates} repeated {backlog_id_col!r} values; the first row of each is used")
        backlog = backlog.unique(subset="id", keep="first", maintain_order=True)
    items = [BacklogItem.from_text(i, t) for i, t in zip(backlog["id"], backlog["text"], strict=True)]
    cache = None
    if use_cache:
        cache_path = cache_path or default_cache_path()
        cache = EmbeddingCache(cache_path)
    matcher = Matcher(items, config, embedder=embedder or default_embedder(), cache=cache)
    matches = matcher.match(feedback["text"].to_list(), k=top_k) if feedback.height else []
    ids = feedback["id"].to_list()
    rows = [(ids[m.query_index], m.item_id, m.rank, round(m.score, 6)) for per_query in matches for m in per_query]
    out = pl.DataFrame(rows, schema={"feedback_id": pl.String, "item_id": pl.String, "rank": pl.Int64,
                                     "score": pl.Float64}, orient="row")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out.write_csv(out_path)
    return LinkReport(
        out_csv=out_path,
        feedback_rows=feedback.height,
        backlog_items=len(items),
        top_k=top_k,
        rows_written=out.height,
        backlog_embedded=matcher.item_counts.embedded,
        backlog_cached=matcher.item_counts.reused,
        feedback_embedded=matcher.query_counts.embedded,
        cache_path=cache_path if use_cache else None,
        seconds=time.perf_counter() - started,
    )


def cmd_link(args: argparse.Namespace) -> int:
    """Run ``link`` with the parsed flags and print its one-line report."""
    report = link(args.feedback, args.backlog, args.out, feedback_id_col=args.feedback_id_col,
                  feedback_text_col=args.feedback_text_col, backlog_id_col=args.backlog_id_col,
                  backlog_text_col=args.backlog_text_col, top_k=args.top_k)
    log.info(str(report))
    return 0


def add_link_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``link`` subcommand on ``closedloop``'s subparsers.

    Args:
        subparsers: What ``parser.add_subparsers()`` returned.

    Returns:
        The ``link`` parser.
    """
    parser = subparsers.add_parser(
        "link", help="top-k backlog items for each feedback row (any feedback CSV, any tracker CSV)",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument("--feedback", required=True, help="feedback CSV (one row per review/ticket)")
    parser.add_argument("--backlog", required=True, help="tracker export CSV (one row per item)")
    parser.add_argument("--feedback-id-col", default="feedback_id", help="feedback id column (default feedback_id)")
    parser.add_argument("--feedback-text-col", default="text", help="feedback text column (default text)")
    parser.add_argument("--backlog-id-col", default="item_id", help="backlog id column (default item_id)")
    parser.add_argument("--backlog-text-col", default="text",
                        help="backlog text column, summary on its first line (default text)")
    parser.add_argument("--top-k", type=positive_int, default=10, help="items per feedback row (default 10)")
    parser.add_argument("--out", required=True, help="output CSV: feedback_id, item_id, rank, score")
    parser.set_defaults(func=cmd_link)
    return parser
