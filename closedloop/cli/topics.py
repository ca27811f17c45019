"""``closedloop topics evaluate``: fit themes on any CSV with the production recipe and score them.

The work is :func:`topics.evaluate.evaluate_csv`; this module resolves the defaults (production
settings from the environment, the embedding cache under ``$CLOSEDLOOP_HOME/cache/``) and prints.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from closedloop.cli.common import positive_int
from closedloop.core.settings import load_settings
from topics.config import POOLINGS, TopicConfig, config_from_env
from topics.records import FitResult

CACHE_FILE = "embeddings.duckdb"
"""The command-line tools' embedding cache file under ``$CLOSEDLOOP_HOME/cache/``."""


def evaluate(input_csv: str | Path, text_col: str, label_col: str | None = None, as_json: bool = False,
             config: TopicConfig | None = None, *, cache_path: Path | None = None,
             quiet: bool = False, themes_out: str | Path | None = None) -> dict[str, Any]:
    """Run :func:`topics.evaluate.evaluate_csv` with the CLI's defaults and print its report.

    Args:
        input_csv: The CSV file.
        text_col: Column holding the text.
        label_col: Optional column with a human label per row (for NMI and ARI).
        as_json: Print one JSON object instead of readable lines.
        config: Settings; default: production's, with the environment's knobs (as the pipeline).
        cache_path: Embedding cache file; default ``$CLOSEDLOOP_HOME/cache/embeddings.duckdb``.
        quiet: Print nothing (the caller uses the returned dict).
        themes_out: Also write each input row's theme id, name, kind and parent theme to this CSV.
    """
    from topics.embed import EmbeddingCache
    from topics.evaluate import evaluate_csv, write_themes_csv

    def progress(done: int, total: int) -> None:
        if not quiet and not as_json:
            print(f"  embedded {done:,}/{total:,} new texts", file=sys.stderr, flush=True)

    cache = EmbeddingCache(cache_path or load_settings().cache / CACHE_FILE)
    report, result = evaluate_csv(Path(input_csv), text_col, label_col, config or config_from_env(), cache,
                                  progress)
    if themes_out is not None:
        report["themes_out"] = str(themes_out)
        report["themes_out_rows"] = write_themes_csv(Path(input_csv), text_col, result, Path(themes_out))
    if not quiet:
        print(json.dumps(report) if as_json else _readable(report, result))
    return report


def _readable(report: dict[str, Any], result: FitResult) -> str:
    lines = [
        f"{report['rows']:,} texts from {report['input']}",
        f"themes:        {report['n_themes']}",
        f"low-information texts (not a theme): {report['low_information']:,}",
        f"outlier share: {100 * report['outlier_share']:.1f}%",
        f"seconds:       {report['seconds']:.1f} total, {report['fit_seconds']:.1f} fitting, "
        f"{report['embed_seconds']:.1f} embedding ({report['embedded']:,} new texts)",
    ]
    if report["weak_structure"]:
        lines.append("weak structure: no clear bend of the silhouette; the theme count is less certain")
    if report["word_view"]:
        lines.append(f"word view: the texts' words separate their themes {report['word_ratio']:.2f}x as well as "
                     "their sentence vectors, so themes were fitted with both")
    if "nmi" in report:
        lines.append(f"against {report['n_labels']} labels: NMI {report['nmi']:.3f}, ARI {report['ari']:.3f}")
    lines.append("largest themes:")
    lines += [f"  {t.size:6,}  {t.name}" for t in [t for t in result.themes if t.kind == "theme"][:10]]
    if "themes_out" in report:
        lines.append(f"each row's theme: {report['themes_out']} ({report['themes_out_rows']:,} rows)")
    return "\n".join(lines)


def cmd_topics_evaluate(args: argparse.Namespace) -> int:
    """Run ``topics evaluate`` from parsed flags."""
    config = config_from_env().replace(threads=args.threads, seed=args.seed)
    if args.backend:
        config = config.replace(embed=dataclasses.replace(config.embed, backend=args.backend))
    if args.pooling:
        config = config.replace(embed=dataclasses.replace(config.embed, pooling=args.pooling))
    evaluate(args.input, args.text_col, args.label_col, as_json=args.json, config=config, themes_out=args.themes_out)
    return 0


def add_topics_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``topics evaluate`` on the CLI's subparsers (``closedloop topics evaluate ...``)."""
    topics = subparsers.add_parser("topics", help="theme discovery tools")
    topic_sub = topics.add_subparsers(dest="topics_command", required=True)
    ev = topic_sub.add_parser("evaluate", help="fit themes on a CSV and report count, outliers, seconds, NMI/ARI")
    ev.add_argument("--input", required=True, help="CSV file")
    ev.add_argument("--text-col", required=True, help="column with the ticket text")
    ev.add_argument("--label-col", help="column with a human label per row (adds NMI and ARI)")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.add_argument("--themes-out", metavar="CSV",
                    help="write each input row's theme id, theme name, kind and parent theme to this CSV")
    ev.add_argument("--threads", type=positive_int, default=2, help="CPU threads (default 2)")
    ev.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    ev.add_argument("--backend", choices=("torch", "onnx-int8"), help="embedding backend (default torch)")
    ev.add_argument("--pooling", choices=POOLINGS,
                    help="how token vectors become a text vector (default content-mean: the text's own tokens, "
                         "[CLS]/[SEP] left out; model: the model's own pooling)")
    ev.set_defaults(func=cmd_topics_evaluate)
    return topics
