"""Fit themes on any labelled CSV with the production recipe and score them against the labels.

A user checks theme quality on a labelled sample of their own tickets: each text's language is
detected, the texts are embedded (English glossary gists for languages the model cannot read)
through the embedding cache, themes are fitted with the given settings, and the theme count,
outlier share and seconds come back, with NMI and ARI against the labels when there are labels.
"""

from __future__ import annotations

import csv
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from topics.config import TopicConfig
from topics.embed import Embedder, EmbeddingCache, make_embedder
from topics.errors import InputError
from topics.fit import fit_themes
from topics.glossary import embedding_inputs
from topics.records import FitResult


@dataclass(frozen=True)
class EmbeddedTexts:
    """Texts embedded the production way, and what it cost.

    Attributes:
        vectors: One unit vector per text, in input order.
        languages: The language each text was read in (``und`` when unsure).
        embedded: Distinct texts embedded by this call (the rest came from the cache).
        model_id: The embedding settings the vectors belong to.
        seconds: Wall time, model load included.
        embedder: The embedder that made the vectors (theme names are embedded with it).
    """

    vectors: np.ndarray
    languages: list[str]
    embedded: int
    model_id: str
    seconds: float
    embedder: Embedder | None = None


def read_labelled_csv(path: Path, text_col: str, label_col: str | None = None) -> tuple[list[str], list[str] | None]:
    """Texts (and labels) from a CSV; rows with an empty text are skipped.

    Raises:
        InputError: The file is missing or unreadable, or a column is absent.
    """
    if not path.is_file():
        raise InputError(f"cannot read {path}: no such file")
    csv.field_size_limit(sys.maxsize)
    texts: list[str] = []
    labels: list[str] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            for column in (text_col, label_col):
                if column is not None and column not in columns:
                    raise InputError(f"{path}: no column {column!r} (columns: {', '.join(columns)})")
            for row in reader:
                text = (row.get(text_col) or "").strip()
                if text:
                    texts.append(text)
                    if label_col is not None:
                        labels.append((row.get(label_col) or "").strip())
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    if not texts:
        raise InputError(f"{path}: column {text_col!r} has no non-empty text")
    return texts, (labels if label_col is not None else None)


def embed_texts(texts: Sequence[str], config: TopicConfig, cache: EmbeddingCache,
                progress: Callable[[int, int], None] | None = None) -> EmbeddedTexts:
    """Embed texts exactly as the pipeline embeds tickets: language, glossary gist, cache."""
    started = time.perf_counter()
    cache_dir = cache.path.parent if cache.path is not None else None
    embedder = make_embedder(config.embed, threads=config.threads, cache_dir=cache_dir)
    inputs, languages = embedding_inputs(list(texts), config.text)
    cached = cache.embed(embedder, inputs, progress=progress)
    return EmbeddedTexts(cached.vectors, languages, cached.embedded, embedder.model_id,
                         time.perf_counter() - started, embedder)


def evaluate_texts(texts: Sequence[str], labels: Sequence[str] | None, config: TopicConfig,
                   cache: EmbeddingCache, progress: Callable[[int, int], None] | None = None,
                   ) -> tuple[dict[str, Any], FitResult]:
    """Embed and fit ``texts`` and score the themes.

    Returns:
        The report (``rows``, ``n_themes``, ``low_information`` (texts in the low-information
        bucket, not a theme), ``outlier_share``, ``seconds`` in total, ``fit_seconds``,
        ``embed_seconds``, ``embedded``, ``fit_docs``, ``weak_structure``, ``word_view``, ``word_ratio``
        (see ``FitResult``),
        ``model_id``, and ``nmi``, ``ari``, ``n_labels`` when labels are given) and the fit itself.
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    started = time.perf_counter()
    embedded = embed_texts(texts, config, cache, progress)
    embedder = embedded.embedder
    names = (lambda phrases: cache.embed(embedder, phrases).vectors) if embedder is not None else None
    result = fit_themes(list(texts), embedded.vectors, config, languages=embedded.languages, embed_names=names)
    report: dict[str, Any] = {
        "rows": len(texts),
        "n_themes": result.n_themes,
        "low_information": result.low_information_count,
        "outlier_share": round(result.outlier_share, 4),
        "seconds": round(time.perf_counter() - started, 2),
        "fit_seconds": round(result.fit_seconds, 2),
        "embed_seconds": round(embedded.seconds, 2),
        "embedded": embedded.embedded,
        "fit_docs": result.n_fit_docs,
        "weak_structure": result.weak_structure,
        "word_view": result.word_view,
        "word_ratio": round(result.word_ratio, 3),
        "model_id": embedded.model_id,
    }
    if labels is not None:
        report["n_labels"] = len(set(labels))
        report["nmi"] = round(float(normalized_mutual_info_score(labels, result.assignments)), 4)
        report["ari"] = round(float(adjusted_rand_score(labels, result.assignments)), 4)
    return report, result


def evaluate_csv(input_csv: Path, text_col: str, label_col: str | None, config: TopicConfig,
                 cache: EmbeddingCache, progress: Callable[[int, int], None] | None = None,
                 ) -> tuple[dict[str, Any], FitResult]:
    """:func:`evaluate_texts` on a CSV's column (and labels); the report also names the ``input``."""
    texts, labels = read_labelled_csv(input_csv, text_col, label_col)
    report, result = evaluate_texts(texts, labels, config, cache, progress)
    return {"input": str(input_csv), **report}, result


THEMES_OUT_COLUMNS = ("row", "text", "theme_id", "theme_name", "theme_kind", "parent_theme_id")
"""Columns of ``closedloop topics evaluate --themes-out``."""


def write_themes_csv(input_csv: Path, text_col: str, result: FitResult, out: Path) -> int:
    """Write, per data row of ``input_csv``, the theme the fit gave it.

    Rows are numbered from 1 (the header is not counted). A row whose text is empty was not fitted:
    its theme columns are empty. ``parent_theme_id`` is the theme's ``parent_id`` when themes carry
    one (a two-level taxonomy), else empty. Low-information rows have ``theme_kind`` ``low_information``.

    Returns:
        Rows written.
    """
    by_id = {t.theme_id: t for t in result.themes}
    fitted = iter(result.assignments.tolist())
    written = 0
    with input_csv.open(newline="", encoding="utf-8-sig") as source, \
            out.open("w", newline="", encoding="utf-8") as sink:
        writer = csv.writer(sink)
        writer.writerow(THEMES_OUT_COLUMNS)
        for number, row in enumerate(csv.DictReader(source), start=1):
            text = (row.get(text_col) or "").strip()
            cells: list[object] = [number, text, "", "", "", ""]
            if text:
                theme_id = next(fitted)
                theme = by_id.get(int(theme_id))
                if theme is not None:
                    parent = getattr(theme, "parent_id", None)
                    cells[2:] = [theme.theme_id, theme.name, theme.kind, "" if parent is None else parent]
            writer.writerow(cells)
            written += 1
    return written
