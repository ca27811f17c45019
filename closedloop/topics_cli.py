"""``closedloop topics evaluate``: fit themes on any CSV with the production pipeline and score them.

A user checks theme quality on a labelled sample of their own tickets: the command detects each
text's language, embeds the texts (English glossary gists for languages the model cannot read,
through the embedding cache under ``$CLOSEDLOOP_HOME/cache/``), fits themes with the production
defaults, and prints the theme count, outlier share and seconds, plus NMI and ARI against the labels
when a label column is given.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Any

from closedloop.ingest.errors import ClosedloopError
from topics.config import POOLINGS

CACHE_FILE = "embeddings.duckdb"


class EvaluateInputError(ClosedloopError):
    """The CSV given to ``topics evaluate`` cannot be used."""


def read_labelled_csv(path: Path, text_col: str, label_col: str | None = None) -> tuple[list[str], list[str] | None]:
    """Texts (and labels) from a CSV; rows with an empty text are skipped.

    Raises:
        EvaluateInputError: The file is missing or unreadable, or a column is absent.
    """
    if not path.is_file():
        raise EvaluateInputError(f"cannot read {path}: no such file")
    csv.field_size_limit(sys.maxsize)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            for column in (text_col, label_col):
                if column is not None and column not in columns:
                    raise EvaluateInputError(f"{path}: no column {column!r} (columns: {', '.join(columns)})")
            texts: list[str] = []
            labels: list[str] = []
            for row in reader:
                text = (row.get(text_col) or "").strip()
                if not text:
                    continue
                texts.append(text)
                if label_col is not None:
                    labels.append((row.get(label_col) or "").strip())
    except (UnicodeDecodeError, csv.Error) as exc:
        raise EvaluateInputError(f"cannot read {path}: {exc}") from exc
    if not texts:
        raise EvaluateInputError(f"{path}: column {text_col!r} has no non-empty text")
    return texts, (labels if label_col is not None else None)


def evaluate(input_csv: str | Path, text_col: str, label_col: str | None = None, as_json: bool = False,
             config: Any = None, *, cache_path: Path | None = None, quiet: bool = False) -> dict[str, Any]:
    """Fit themes on a CSV exactly as production does and score them.

    Args:
        input_csv: The CSV file.
        text_col: Column holding the text.
        label_col: Optional column with a human label per row (for NMI and ARI).
        as_json: Print one JSON object instead of readable lines.
        config: A :class:`topics.config.TopicConfig`; default: production's.
        cache_path: Embedding cache (DuckDB file); default ``$CLOSEDLOOP_HOME/cache/embeddings.duckdb``.
        quiet: Print nothing (the caller uses the returned dict).

    Returns:
        ``rows``, ``n_themes``, ``outlier_share``, ``seconds`` (total), ``fit_seconds``,
        ``embed_seconds``, ``embedded`` (texts newly embedded), and ``nmi``/``ari``/``n_labels``
        when labels are given.
    """
    import duckdb
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from closedloop.settings import load_settings
    from topics.cache import embed_with_cache
    from topics.config import TopicConfig
    from topics.embed import make_embedder
    from topics.fit import fit_themes
    from topics.glossary import embedding_inputs

    started = time.perf_counter()
    config = config or TopicConfig()
    path = Path(input_csv)
    texts, labels = read_labelled_csv(path, text_col, label_col)
    if cache_path is None:
        cache_dir = load_settings().cache
        cache_dir.mkdir(parents=True, exist_ok=True)
        cache_path = cache_dir / CACHE_FILE

    def progress(done: int, total: int) -> None:
        if not quiet and not as_json:
            print(f"  embedded {done:,}/{total:,} new texts", file=sys.stderr, flush=True)

    embed_started = time.perf_counter()
    embedder = make_embedder(config.embed, threads=config.threads, cache_dir=cache_path.parent)
    inputs, languages = embedding_inputs(texts, config.text)
    with duckdb.connect(str(cache_path)) as con:
        cached = embed_with_cache(con, inputs, embedder, progress=progress)
    embed_seconds = time.perf_counter() - embed_started
    result = fit_themes(texts, cached.vectors, config, languages=languages)
    report: dict[str, Any] = {
        "input": str(path),
        "rows": len(texts),
        "n_themes": result.n_themes,
        "outlier_share": round(result.outlier_share, 4),
        "seconds": round(time.perf_counter() - started, 2),
        "fit_seconds": round(result.fit_seconds, 2),
        "embed_seconds": round(embed_seconds, 2),
        "embedded": cached.embedded,
        "fit_docs": result.n_fit_docs,
        "model_id": embedder.model_id,
    }
    if labels is not None:
        report["n_labels"] = len(set(labels))
        report["nmi"] = round(float(normalized_mutual_info_score(labels, result.assignments)), 4)
        report["ari"] = round(float(adjusted_rand_score(labels, result.assignments)), 4)
    if not quiet:
        print(json.dumps(report) if as_json else _readable(report, result))
    return report


def _readable(report: dict[str, Any], result: Any) -> str:
    lines = [
        f"{report['rows']:,} texts from {report['input']}",
        f"themes:        {report['n_themes']}",
        f"outlier share: {100 * report['outlier_share']:.1f}%",
        f"seconds:       {report['seconds']:.1f} total, {report['fit_seconds']:.1f} fitting, "
        f"{report['embed_seconds']:.1f} embedding ({report['embedded']:,} new texts)",
    ]
    if "nmi" in report:
        lines.append(f"against {report['n_labels']} labels: NMI {report['nmi']:.3f}, ARI {report['ari']:.3f}")
    lines.append("largest themes:")
    lines += [f"  {t.size:6,}  {t.label}" for t in result.themes[:10]]
    return "\n".join(lines)


def cmd_topics_evaluate(args: argparse.Namespace) -> int:
    """Run ``topics evaluate`` from parsed flags."""
    from topics.config import TopicConfig

    config = TopicConfig(threads=args.threads, seed=args.seed)
    if args.backend:
        config = config.replace(embed=dataclasses.replace(config.embed, backend=args.backend))
    if args.pooling:
        config = config.replace(embed=dataclasses.replace(config.embed, pooling=args.pooling))
    evaluate(args.input, args.text_col, args.label_col, as_json=args.json, config=config)
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
    ev.add_argument("--threads", type=int, default=2, help="CPU threads (default 2)")
    ev.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    ev.add_argument("--backend", choices=("torch", "onnx-int8"), help="embedding backend (default torch)")
    ev.add_argument("--pooling", choices=POOLINGS,
                    help="how token vectors become a text vector (default content-mean: the text's own tokens, "
                         "[CLS]/[SEP] left out; model: the model's own pooling)")
    ev.set_defaults(func=cmd_topics_evaluate)
    return topics
