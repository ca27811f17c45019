"""Fit themes with BERTopic, its sub-models injected, and describe them for a product manager.

Large inputs are fitted on a seeded random sample of ``ClusterConfig.max_fit_docs`` texts and the
rest are assigned to the nearest theme centroid, as daily runs do (:mod:`topics.assign`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from topics.cluster import (
    Clusterer,
    Reducer,
    SvdReducer,
    WardSilhouetteClusterer,
    bounded_outliers,
    centroids,
    unit_rows,
)
from topics.config import ClusterConfig, LabelConfig, ReduceConfig, TopicConfig
from topics.lexical import WordView, separation_ratio, with_words
from topics.lowinfo import LOW_INFORMATION, LOW_INFORMATION_LABEL, low_information_mask, top_templates
from topics.naming import Namer
from topics.records import UNASSIGNED, FitResult, Theme
from topics.stopwords import guess_languages, stop_words
from topics.threads import limit_threads

log = logging.getLogger(__name__)


def keep_text(text: str) -> str:
    """The text as it is: callers pass text that is already redacted."""
    return text


def build_reducer(config: ReduceConfig, seed: int) -> Reducer:
    """The reducer a configuration asks for."""
    if config.method == "umap":
        from umap import UMAP

        reducer: Reducer = UMAP(n_components=config.n_components, n_neighbors=config.n_neighbors,
                                min_dist=config.min_dist, metric="cosine", random_state=seed)
        return reducer
    return SvdReducer(n_components=config.n_components, seed=seed)


def build_clusterer(config: ClusterConfig, seed: int) -> Clusterer:
    """The clusterer a configuration asks for."""
    return WardSilhouetteClusterer(min_clusters=config.min_themes, max_clusters=config.max_themes,
                                   tolerance=config.tolerance, ward_dims=config.ward_dims,
                                   refine_iterations=config.refine_iterations,
                                   min_cluster_size=config.min_theme_size, peak_floor=config.peak_floor,
                                   knee_ratio=config.knee_ratio, seed=seed)


def build_vectorizer(texts: Sequence[str], config: LabelConfig) -> CountVectorizer:
    """Keyword vectorizer with stop words for the languages present (or a char analyzer for CJK/Thai)."""
    min_df = config.min_df if len(texts) >= 200 else 1
    if config.analyzer == "char":
        return CountVectorizer(analyzer="char_wb", ngram_range=(2, 3), min_df=min_df)
    languages = config.languages or guess_languages(texts)
    return CountVectorizer(ngram_range=config.ngram_range, stop_words=stop_words(languages), min_df=min_df,
                           token_pattern=r"(?u)\b[^\W\d_][\w'-]+\b")


def short_label(keywords: Sequence[str], n: int) -> str:
    """The first ``n`` keywords that are not contained in an earlier one, joined by " / "."""
    chosen: list[str] = []
    for word in keywords:
        if any(word in c or c in word for c in chosen):
            continue
        chosen.append(word)
        if len(chosen) == n:
            break
    return " / ".join(chosen) if chosen else "(no keywords)"


def nearest_theme(embeddings: np.ndarray, theme_centroids: np.ndarray,
                  min_similarity: float) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest centroid per row and its cosine similarity; -1 where below ``min_similarity``."""
    if len(theme_centroids) == 0 or len(embeddings) == 0:
        return np.full(len(embeddings), UNASSIGNED, dtype=np.int64), np.zeros(len(embeddings), dtype=np.float32)
    sims = unit_rows(embeddings) @ theme_centroids.T
    best = np.argmax(sims, axis=1).astype(np.int64)
    score = sims[np.arange(len(best)), best].astype(np.float32)
    best[score < min_similarity] = UNASSIGNED
    return best, score


def _representatives(embeddings: np.ndarray, assignments: np.ndarray, theme: int, centroid: np.ndarray,
                     texts: Sequence[str], k: int) -> tuple[int, ...]:
    members = np.flatnonzero(assignments == theme)
    order = members[np.argsort(-(unit_rows(embeddings[members]) @ centroid))]
    chosen: list[int] = []
    seen: set[str] = set()
    for i in order:
        if texts[i] not in seen:
            seen.add(texts[i])
            chosen.append(int(i))
        if len(chosen) == k:
            break
    return tuple(chosen)


def readable_documents(languages: Sequence[str], config: TopicConfig) -> np.ndarray:
    """Indices of the documents themes are fitted on: those the model reads, unless too few."""
    readable = np.flatnonzero(np.isin(np.asarray(languages, dtype=object), [*config.text.model_languages, "und"]))
    if len(readable) >= max(2, config.text.min_readable_share * len(languages)):
        return readable
    return np.arange(len(languages))


def fit_themes(texts: Sequence[str], embeddings: np.ndarray, config: TopicConfig | None = None, *,
               reducer: Reducer | None = None, clusterer: Clusterer | None = None,
               vectorizer: CountVectorizer | None = None,
               redact: Callable[[str], str] = keep_text,
               languages: Sequence[str] | None = None,
               embed_names: Callable[[list[str]], np.ndarray] | None = None) -> FitResult:
    """Fit themes on documents whose embeddings are already known.

    Args:
        texts: The documents (used for keywords and representative texts).
        embeddings: One vector per document (as from :func:`topics.embed.embed_with_cache`).
        config: Settings; the defaults are production's.
        reducer: Overrides the configured reducer (any fit/transform object).
        clusterer: Overrides the configured clusterer (any fit object exposing ``labels_``).
        vectorizer: Overrides the keyword vectorizer.
        redact: Applied to representative texts before they are stored (callers that cannot vouch for
            their text pass a redaction function; the default keeps the text as it is).
        languages: Language per document; when given, themes are fitted on the documents in
            ``config.text.model_languages`` (if they are at least ``min_readable_share`` of all) and the
            rest, embedded through their English gist, join the nearest theme.
        embed_names: Embeds phrases as ``embeddings`` were made; given, names are chosen by closeness to
            the centroids (:meth:`topics.naming.Namer.name_all`), else from the texts alone.

    Returns:
        Themes (largest first, ids 0..n-1) and each document's theme.
    """
    config = config or TopicConfig()
    texts = list(texts)
    embeddings = np.asarray(embeddings, dtype=np.float32)
    if len(texts) != len(embeddings):
        raise ValueError(f"{len(texts)} texts but {len(embeddings)} embeddings")
    started, n, low = time.perf_counter(), len(texts), _low_information(texts, config)
    fit_idx = _fit_sample(n, languages, config, low)
    fit_texts = [texts[i] for i in fit_idx]
    with limit_threads(config.threads):
        fit = _BertopicFit(fit_texts, config, reducer, clusterer, vectorizer)
        model, fit_labels = fit(embeddings[fit_idx])
        view, fit_words, word_ratio = _word_view(fit_texts, embeddings[fit_idx], fit_labels, config)
        if view is not None:
            model, fit_labels = fit(with_words(embeddings[fit_idx], fit_words, config.cluster.lexical_weight))
        theme_ids = sorted(int(t) for t in set(fit_labels.tolist()) if t != UNASSIGNED)
        if theme_ids != list(range(len(theme_ids))):
            raise RuntimeError(f"unexpected BERTopic topic ids {theme_ids[:10]}")
        theme_centroids = centroids(embeddings[fit_idx], fit_labels, len(theme_ids))
        assignments = np.full(n, UNASSIGNED, dtype=np.int64)
        assignments[fit_idx] = fit_labels
        join = embeddings if view is None else _joined_with_words(view, texts, embeddings, fit_idx, languages, config)
        _join_nearest(join, assignments, centroids(join[fit_idx], fit_labels, len(theme_ids)), config.cluster, ~low)
        theme_centroids = _bucket_low_information(low, assignments, embeddings, theme_centroids)
        probabilities = _probabilities(embeddings, assignments, theme_centroids)
        themes = _themes(model, theme_ids, embeddings, assignments, theme_centroids, texts, config.label, redact,
                         low, embed_names)
    seconds = time.perf_counter() - started
    log.info("fitted %d themes on %d of %d texts in %.1fs (%.1f%% unassigned)", len(themes), len(fit_idx), n,
             seconds, 100 * float(np.mean(assignments < 0)) if n else 0.0)
    return FitResult(themes=tuple(sorted(themes, key=lambda t: -t.size)), assignments=assignments,
                     probabilities=probabilities, n_fit_docs=len(fit_idx), fit_seconds=seconds,
                     weak_structure=bool(getattr(model.hdbscan_model, "weak_structure_", False)),
                     word_view=view is not None, word_ratio=word_ratio)


class _BertopicFit:
    """BERTopic with the configured sub-models, fitted on the sample's texts with a given matrix."""

    def __init__(self, texts: list[str], config: TopicConfig, reducer: Reducer | None, clusterer: Clusterer | None,
                 vectorizer: CountVectorizer | None) -> None:
        self.texts, self.config = texts, config
        self.reducer, self.clusterer, self.vectorizer = reducer, clusterer, vectorizer

    def __call__(self, matrix: np.ndarray) -> tuple[Any, np.ndarray]:
        """The fitted model and each text's topic (-1: outlier)."""
        from bertopic import BERTopic

        config = self.config
        model = BERTopic(embedding_model=None,
                         umap_model=self.reducer or build_reducer(config.reduce, config.seed),
                         hdbscan_model=self.clusterer or build_clusterer(config.cluster, config.seed),
                         vectorizer_model=self.vectorizer or build_vectorizer(self.texts, config.label),
                         top_n_words=config.label.top_keywords, calculate_probabilities=False)
        return model, np.asarray(model.fit(self.texts, embeddings=matrix).topics_, dtype=np.int64)


def _word_view(texts: Sequence[str], embeddings: np.ndarray, labels: np.ndarray,
               config: TopicConfig) -> tuple[WordView | None, np.ndarray, float]:
    """The texts' word view if it separates the first fit's themes well enough to fit again with it.

    No view (keep the first fit) when the weight is 0, the texts share too few words, or the word view
    separates the themes less than ``config.cluster.lexical_ratio`` times as well as the sentence view.

    Returns:
        The view (or None), the texts' rows in it, and the separation ratio.
    """
    view = WordView(config.seed)
    if config.cluster.lexical_weight <= 0 or not view.fit(texts):
        return None, np.empty((len(texts), 0), dtype=np.float32), 0.0
    words = view.transform(texts)
    ratio = separation_ratio(embeddings, words, labels)
    if ratio < config.cluster.lexical_ratio:
        log.debug("the word view separates the themes %.2f times as well as the sentences: not used", ratio)
        return None, words, ratio
    log.info("the texts' words separate their themes %.2f times as well as their sentences (>= %.2f): themes "
             "fitted again with a word view at weight %.2f", ratio, config.cluster.lexical_ratio,
             config.cluster.lexical_weight)
    return view, words, ratio


def _joined_with_words(view: WordView, texts: Sequence[str], embeddings: np.ndarray, fit_idx: np.ndarray,
                       languages: Sequence[str] | None, config: TopicConfig) -> np.ndarray:
    """Every text's sentence vector with its word view beside it, for joining the themes fitted that way.

    Texts in languages the themes were not fitted on (embedded through their English gist) get no word
    view: their words are not the fitted vocabulary's.
    """
    words = view.transform(texts)
    if languages is not None:
        fitted_languages = {languages[i] for i in fit_idx}
        words[[lang not in fitted_languages for lang in languages]] = 0.0
    return with_words(embeddings, words, config.cluster.lexical_weight)


def _join_nearest(embeddings: np.ndarray, assignments: np.ndarray, theme_centroids: np.ndarray,
                  config: ClusterConfig, eligible: np.ndarray) -> None:
    """Unassigned ``eligible`` documents (outside the fit sample, or in dissolved small themes) join the nearest theme.

    Those below ``config.outlier_similarity`` stay unassigned, but never more than
    ``config.max_outlier_share`` of all documents: beyond that the least similar stay out.
    """
    todo = np.flatnonzero((assignments == UNASSIGNED) & eligible)
    index, similarity = nearest_theme(embeddings[todo], theme_centroids, -np.inf)
    out = bounded_outliers(similarity, config.outlier_similarity, int(config.max_outlier_share * len(assignments)))
    index[out] = UNASSIGNED
    assignments[todo] = index


def _themes(model: Any, theme_ids: list[int], embeddings: np.ndarray, assignments: np.ndarray,
            theme_centroids: np.ndarray, texts: Sequence[str], config: LabelConfig, redact: Callable[[str], str],
            low: np.ndarray, embed_names: Callable[[list[str]], np.ndarray] | None) -> tuple[Theme, ...]:
    """Every theme described and named, and the low-information bucket when there is one."""
    namer = Namer(texts, max_words=config.name_max_words, brand_share=config.brand_share,
                  phrase_bonus=config.name_phrase_bonus, informative=~low)
    themes = tuple(_describe(model, t, embeddings, assignments, theme_centroids[t], texts, config, redact, namer)
                   for t in theme_ids)
    themes = _named(themes, namer, assignments, texts, config, embed_names) if embed_names else themes
    if low.any():
        themes += (_low_information_theme(len(theme_ids), low, embeddings, theme_centroids[-1], texts, config,
                                          redact),)
    return themes


def _low_information(texts: Sequence[str], config: TopicConfig) -> np.ndarray:
    """Mask of the low-information texts (none when fewer than two texts would be left to fit)."""
    low = low_information_mask(texts, config.lowinfo)
    return low if np.sum(~low) >= 2 else np.zeros(len(texts), dtype=bool)


def _bucket_low_information(low: np.ndarray, assignments: np.ndarray, embeddings: np.ndarray,
                            theme_centroids: np.ndarray) -> np.ndarray:
    """Put the low-information texts in one bucket after the themes (in place); the centroids with its own."""
    if not low.any():
        return theme_centroids
    assignments[low] = len(theme_centroids)
    bucket = centroids(embeddings[low], np.zeros(int(low.sum()), dtype=np.int64), 1)
    return np.vstack([theme_centroids, bucket])


def _fit_sample(n: int, languages: Sequence[str] | None, config: TopicConfig, low: np.ndarray) -> np.ndarray:
    """Sorted indices of the documents the themes are fitted on: readable, informative ones, sampled down to the cap."""
    candidates = readable_documents(languages, config) if languages is not None else np.arange(n)
    candidates = np.asarray(candidates[~low[candidates]], dtype=np.int64)
    if len(candidates) <= config.cluster.max_fit_docs:
        return candidates
    rng = np.random.default_rng(config.seed)
    return np.sort(rng.choice(candidates, config.cluster.max_fit_docs, replace=False))


def _probabilities(embeddings: np.ndarray, assignments: np.ndarray, theme_centroids: np.ndarray) -> np.ndarray:
    """Each document's cosine to its theme's centroid, clipped to [0, 1] (0 when unassigned)."""
    probabilities = np.zeros(len(assignments), dtype=np.float32)
    assigned = assignments >= 0
    probabilities[assigned] = np.clip(np.einsum("ij,ij->i", unit_rows(embeddings[assigned]),
                                                theme_centroids[assignments[assigned]]), 0.0, 1.0)
    return probabilities


def _describe(model: Any, theme: int, embeddings: np.ndarray, assignments: np.ndarray, centroid: np.ndarray,
              texts: Sequence[str], config: LabelConfig, redact: Callable[[str], str], namer: Namer) -> Theme:
    words = model.get_topic(theme) or []
    keywords = tuple(w for w, score in words if w and score > 0 and not set(w.split()) <= namer.brands)
    reps = _representatives(embeddings, assignments, theme, centroid, texts, config.representatives)
    members = np.flatnonzero(assignments == theme)
    label = namer.name(members, keywords, texts[reps[0]] if reps else "")
    return Theme(theme_id=theme, size=len(members),
                 label=label, keywords=keywords, representative_docs=reps,
                 representative_texts=tuple(redact(texts[i]) for i in reps), centroid=centroid)


def _low_information_theme(theme: int, low: np.ndarray, embeddings: np.ndarray, centroid: np.ndarray,
                           texts: Sequence[str], config: LabelConfig, redact: Callable[[str], str]) -> Theme:
    """The bucket of low-information texts, its most frequent templates as keywords."""
    assignments = np.where(low, theme, UNASSIGNED)
    reps = _representatives(embeddings, assignments, theme, centroid, texts, config.representatives)
    return Theme(theme_id=theme, size=int(low.sum()), label=LOW_INFORMATION_LABEL,
                 keywords=top_templates(texts, low), representative_docs=reps,
                 representative_texts=tuple(redact(texts[i]) for i in reps), centroid=centroid,
                 kind=LOW_INFORMATION)


def _named(themes: tuple[Theme, ...], namer: Namer, assignments: np.ndarray, texts: Sequence[str],
           config: LabelConfig, embed: Callable[[list[str]], np.ndarray]) -> tuple[Theme, ...]:
    """The themes renamed by the candidate phrase nearest each centroid."""
    names = namer.name_all([np.flatnonzero(assignments == t.theme_id) for t in themes],
                           np.stack([t.centroid for t in themes]) if themes else np.zeros((0, 1)),
                           [t.keywords for t in themes],
                           [texts[t.representative_docs[0]] if t.representative_docs else "" for t in themes],
                           embed, config.name_candidates, config.name_word_bonus, config.name_contrast)
    return tuple(t.replace(label=name) for t, name in zip(themes, names, strict=True))
