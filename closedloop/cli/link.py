"""``closedloop link``: the top-k backlog items for each feedback row, from two CSV files.

The work is :func:`topics.link.files.link_files`; this module adds the defaults (the packaged
MiniLM, int8 unless ``CLOSEDLOOP_LINK_INT8=0``; the embedding cache under ``$CLOSEDLOOP_HOME/cache/``,
so a second run embeds no backlog text again) and prints a one-line report.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from closedloop.cli.common import positive_int
from closedloop.cli.link_calibrate import add_calibrate_parser
from closedloop.cli.topics import CACHE_FILE
from closedloop.core.settings import load_settings
from topics.embed import Embedder, EmbeddingCache, make_embedder
from topics.link.config import MatchConfig, link_embed_config
from topics.link.files import Columns, LinkReport, link_files

log = logging.getLogger("closedloop.link")


def default_embedder(quantize: bool | None = None) -> Embedder:
    """The packaged MiniLM with the link settings and ``$CLOSEDLOOP_TORCH_THREADS`` threads.

    Args:
        quantize: Int8 weights; None reads ``CLOSEDLOOP_LINK_INT8`` (default on).
    """
    settings = load_settings()
    quantize = settings.link_int8 if quantize is None else quantize
    return make_embedder(link_embed_config(quantize), threads=settings.torch_threads)


def link(feedback_csv: Path | str, backlog_csv: Path | str, out_csv: Path | str, feedback_id_col: str = "feedback_id",
         feedback_text_col: str = "text", backlog_id_col: str = "item_id", backlog_text_col: str = "text",
         top_k: int = 10, *, config: MatchConfig | None = None, embedder: Embedder | None = None,
         cache_path: Path | None = None, use_cache: bool = True) -> LinkReport:
    """:func:`topics.link.files.link_files` with the command's defaults for embedder and cache."""
    cache = EmbeddingCache(cache_path or load_settings().cache / CACHE_FILE) if use_cache else None
    columns = Columns(feedback_id_col, feedback_text_col, backlog_id_col, backlog_text_col)
    return link_files(Path(feedback_csv), Path(backlog_csv), Path(out_csv), columns, top_k,
                      embedder=embedder or default_embedder(), config=config, cache=cache)


def cmd_link(args: argparse.Namespace) -> int:
    """Run ``link`` with the parsed flags and print its one-line report."""
    missing = [flag for flag in ("feedback", "backlog", "out") if getattr(args, flag) is None]
    if missing:
        args.parser.error(f"the following arguments are required: {', '.join('--' + m for m in missing)}")
    report = link(args.feedback, args.backlog, args.out, feedback_id_col=args.feedback_id_col,
                  feedback_text_col=args.feedback_text_col, backlog_id_col=args.backlog_id_col,
                  backlog_text_col=args.backlog_text_col, top_k=args.top_k)
    log.info(str(report))
    return 0


def add_link_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
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
    parser.add_argument("--feedback", help="feedback CSV (one row per review/ticket; required)")
    parser.add_argument("--backlog", help="tracker export CSV (one row per item; required): a text column, or "
                                          "title and body columns, with labels and components when present")
    parser.add_argument("--feedback-id-col", default="feedback_id", help="feedback id column (default feedback_id)")
    parser.add_argument("--feedback-text-col", default="text", help="feedback text column (default text)")
    parser.add_argument("--backlog-id-col", default="item_id", help="backlog id column (default item_id)")
    parser.add_argument("--backlog-text-col", default="text",
                        help="backlog text column, summary on its first line (default text; without it the "
                             "title and body columns are read)")
    parser.add_argument("--top-k", type=positive_int, default=10, help="items per feedback row (default 10)")
    parser.add_argument("--out", help="output CSV: feedback_id, item_id, rank, score (required)")
    parser.set_defaults(func=cmd_link, parser=parser)
    add_calibrate_parser(parser)
    return parser
