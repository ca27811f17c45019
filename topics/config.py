"""Configuration of the topic pipeline: one frozen dataclass per step, gathered in :class:`TopicConfig`.

The defaults are the production defaults; reducer and clusterer settings were chosen by measurement
(``bench/topics_eval.py``, ``topics/README.md``), and ``closedloop topics evaluate`` runs exactly these.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

Backend = Literal["torch", "torch-int8", "onnx-int8"]
"""How the model runs (see :attr:`EmbedConfig.backend`)."""
Pooling = Literal["content-mean", "model"]
"""How token vectors become a text vector (see :attr:`EmbedConfig.pooling`)."""

POOLINGS = ("content-mean", "model")
"""Values of :attr:`EmbedConfig.pooling` (the default first)."""


@dataclass(frozen=True)
class EmbedConfig:
    """How texts become vectors.

    Attributes:
        model_path: A local sentence-transformers folder; None means the packaged all-MiniLM-L6-v2.
        model_id: Name under which vectors are cached; None derives it from the folder name, the
            backend and ``max_seq_length`` (vectors from different settings never mix).
        max_seq_length: Tokens kept per text (the rest is cut off); 128 keeps cosine 0.998 to the
            model's own 256 and is faster on long tickets.
        batch_size: Texts per forward pass; batches are formed after sorting by token count.
        backend: ``torch`` (fp32 on CPU), ``torch-int8`` (torch dynamic int8 quantization of the
            linear layers: about 2x faster, but a text's vector depends a little on its batch) or
            ``onnx-int8`` (ONNX Runtime, dynamic per-channel int8: faster at cosine ~0.99 to fp32;
            needs ``onnxruntime``). Part of the cache key, so vectors of different backends never mix.
        pooling: ``content-mean`` (the default) averages the text's own token vectors and leaves out
            the [CLS] and [SEP] the tokenizer adds; ``model`` uses the model's own pooling (for
            MiniLM, the mean over all tokens, those two included). In an 11-token request they are a
            fifth of the mean: content-mean clusters short requests closer to their intents (CLINC150
            validation NMI 0.936 against 0.932; test 0.922 against 0.918) and keeps ticket-length
            demo themes (topics/README.md, "Pooling"). Models that do not pool by mean always use
            their own pooling. Part of the cache key.
        device: Torch device of the ``torch`` and ``torch-int8`` backends: ``cpu``, or ``cuda`` for an
            embedding worker on a GPU node (a torch build with CUDA; ``torch-int8`` is CPU only). Not
            part of the cache key: the same model gives the same vectors on either (cosine ~1).
    """

    model_path: str | None = None
    model_id: str | None = None
    max_seq_length: int = 128
    batch_size: int = 64
    backend: Backend = "torch"
    pooling: Pooling = "content-mean"
    device: str = "cpu"


@dataclass(frozen=True)
class TextConfig:
    """How a ticket becomes the one text that is embedded.

    Attributes:
        max_body_chars: Characters of the body kept after the subject (measured with
            ``bench/ticket_text.py``; see ``topics/README.md``, "Ticket text").
        model_languages: Languages the embedding model reads (the packaged MiniLM: English only).
        glossary: Embed tickets in other languages as the English gist of :mod:`topics.glossary`
            (20,000-ticket demo, 42 % not English: ARI 0.445 -> 0.965 with fitting on readable tickets).
        min_readable_share: Themes are fitted on tickets in ``model_languages`` (the others join the
            nearest theme through their gist) when at least this share of the tickets is readable;
            below it, on all tickets.
        min_language_confidence: A detected language below this confidence counts as unknown
            (embedded as it is and fitted on): short English texts are sometimes detected as another
            language at 0.4-0.7 (CLINC150 train: 422 of 15,000; 8 at 0.7 or more).
    """

    max_body_chars: int = 600
    model_languages: tuple[str, ...] = ("en",)
    glossary: bool = True
    min_readable_share: float = 0.2
    min_language_confidence: float = 0.7


@dataclass(frozen=True)
class ReduceConfig:
    """Dimensionality reduction before clustering.

    Attributes:
        method: ``svd`` (uncentred truncated SVD of the unit vectors: cosine-preserving, deterministic,
            under a second) or ``umap`` (BERTopic's default reducer; 5 s plus ~35 s of numba
            compilation per process, and no better here).
        n_components: Output dimensions.
        n_neighbors: UMAP neighbourhood size (``umap`` only).
        min_dist: UMAP minimum distance (``umap`` only).
    """

    method: Literal["svd", "umap"] = "svd"
    n_components: int = 192
    n_neighbors: int = 15
    min_dist: float = 0.0


@dataclass(frozen=True)
class ClusterConfig:
    """Clustering and its granularity.

    Attributes:
        tolerance: The theme count is the fewest whose silhouette is within this share of the best
            (1.5 %): granularity follows the data instead of a fixed threshold or minimum size.
        peak_floor: The silhouette is read at its first peak at least this high (0.25, Kaufman and
            Rousseeuw's "weak structure" bar), not at its global best: templated text (macros, bots)
            rises again at very fine counts, one cluster per template.
        knee_ratio: The first peak is where the silhouette gained over the next doubling of the theme
            count falls below this share of the gain over the previous doubling (``topics/README.md``).
        ward_dims: Leading reduced dimensions the Ward tree is built on.
        refine_iterations: Spherical k-means steps after each cut of the tree.
        max_fit_docs: Fit on a random sample of at most this many texts and assign the rest to the
            nearest theme (exact agglomerative clustering needs memory quadratic in the texts).
        min_themes: Fewest themes the cut may produce.
        max_themes: Most themes the cut may produce (None: a fifth of the fitted texts).
        min_theme_size: Themes smaller than this are dissolved into outliers (then reassigned if close).
        outlier_similarity: An outlier whose cosine similarity to the nearest theme centroid is at least
            this joins that theme; the rest stay unassigned (-1), up to ``max_outlier_share``. 0.2 was
            chosen on the panel and in every leave-one-dataset-out fold (was 0.3; ``topics/README.md``).
        max_outlier_share: Most texts of a fit left unassigned, as a share of all texts: when more fall
            below ``outlier_similarity``, only the least similar stay out and the rest join their nearest
            theme (StackOverflow titles, 20,000: 11.9 % unassigned without the bound, 5.0 % with it, ARI
            0.570 -> 0.622; ``topics/README.md``, "Outliers").
        lexical_ratio: The themes are fitted again on the sentence vectors with a word view of the texts
            appended (:mod:`topics.lexical`) when the first fit's themes are at least this many times as
            well separated (cosine silhouette) in the word view as in the sentence view: a corpus named by
            its words (tags, products). ``topics/README.md``, "A word view".
        lexical_weight: Weight of the word view's unit rows beside the unit sentence vectors (0: never).
    """

    tolerance: float = 0.015
    peak_floor: float = 0.25
    knee_ratio: float = 0.6
    ward_dims: int = 64
    refine_iterations: int = 5
    max_fit_docs: int = 6000
    min_themes: int = 2
    max_themes: int | None = None
    min_theme_size: int = 3
    outlier_similarity: float = 0.2
    max_outlier_share: float = 0.05
    lexical_ratio: float = 1.0
    lexical_weight: float = 0.5


@dataclass(frozen=True)
class LabelConfig:
    """How themes are described to a product manager.

    Attributes:
        top_keywords: Keywords kept per theme.
        label_keywords: Keywords joined into the short name.
        representatives: Representative tickets kept per theme.
        ngram_range: Word n-grams considered as keywords.
        analyzer: ``word`` for languages with spaces, ``char`` for CJK and Thai text.
        min_df: Minimum document frequency of a keyword.
        languages: Stop-word languages; None detects them from the texts.
        name_max_words: Longest phrase a theme name may be (:mod:`topics.naming`).
        name_phrase_bonus: Name score bonus per word beyond the first.
        name_candidates: Best-separating phrases per theme that compete for the name on closeness to
            the theme's centroid (when the fit can embed phrases).
        name_word_bonus: Cosine bonus per word beyond the first in that competition.
        name_contrast: Weight of a candidate's highest cosine to another theme's centroid, subtracted
            in that competition (chosen on the panel: 10 candidates, 0.5; bench/topics_names.py).
        brand_share: Words in at least this share of all texts are brand terms: never a name alone,
            left out of keywords.
    """

    top_keywords: int = 10
    label_keywords: int = 3
    representatives: int = 3
    ngram_range: tuple[int, int] = (1, 2)
    analyzer: Literal["word", "char"] = "word"
    min_df: int = 2
    languages: tuple[str, ...] | None = None
    name_max_words: int = 4
    name_phrase_bonus: float = 2.0
    name_candidates: int = 10
    name_word_bonus: float = 0.0
    name_contrast: float = 0.5
    brand_share: float = 0.5


@dataclass(frozen=True)
class LowInfoConfig:
    """Which texts are low-information and go to the bucket instead of a theme (:mod:`topics.lowinfo`).

    Attributes:
        enabled: Set low-information texts aside (off: every text is clustered).
        template_min_count: Least copies of a normalised text for it to count as repeated.
        template_min_share: Least share of all texts for a short text to count as a template.
        template_max_content_words: Content words a repeated text may have and still be a template.
        bulk_min_share: Share of all texts above which any repeated text is a template (canned transcripts).
    """

    enabled: bool = True
    template_min_count: int = 20
    template_min_share: float = 0.002
    template_max_content_words: int = 2
    bulk_min_share: float = 0.02


@dataclass(frozen=True)
class TrackConfig:
    """Stable ids, incremental assignment and the refit policy.

    Attributes:
        match_threshold: Least combined similarity for a new theme to inherit an old theme's id.
        centroid_weight: Weight of centroid cosine in the combined similarity (the rest is keyword Jaccard).
        lineage_threshold: Least share of an old theme's documents (or a new theme's) for a split or
            merge edge to be recorded in lineage.
        assign_similarity: Least cosine to a theme centroid for a daily assignment; below it a ticket
            stays unassigned.
        refit_unassigned_share: Refit when the unassigned share of recent tickets passes this.
        refit_every_days: Refit on this schedule regardless.
    """

    match_threshold: float = 0.5
    centroid_weight: float = 0.7
    lineage_threshold: float = 0.2
    assign_similarity: float = 0.3
    refit_unassigned_share: float = 0.15
    refit_every_days: int = 7


@dataclass(frozen=True)
class TopicConfig:
    """Every setting of the topic pipeline.

    Attributes:
        embed: Embedding settings.
        text: Ticket-to-text settings.
        reduce: Reducer settings.
        cluster: Clusterer settings.
        label: Labelling settings.
        lowinfo: Which texts go to the low-information bucket.
        track: Stable ids and incremental assignment.
        threads: Threads for torch, BLAS and numba (the machine is shared).
        seed: Seed for every random step (UMAP, sampling).
    """

    embed: EmbedConfig = field(default_factory=EmbedConfig)
    text: TextConfig = field(default_factory=TextConfig)
    reduce: ReduceConfig = field(default_factory=ReduceConfig)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    label: LabelConfig = field(default_factory=LabelConfig)
    lowinfo: LowInfoConfig = field(default_factory=LowInfoConfig)
    track: TrackConfig = field(default_factory=TrackConfig)
    threads: int = 2
    seed: int = 42

    def replace(self, **changes: Any) -> TopicConfig:
        """A copy with some top-level fields changed."""
        return dataclasses.replace(self, **changes)


def config_from_env(environ: Mapping[str, str] | None = None) -> TopicConfig:
    """Production defaults with the knobs an operator sets per machine.

    ``CLOSEDLOOP_TOPIC_THREADS`` (CPU threads for torch / ONNX Runtime / BLAS; while another process
    is busy, one thread can be much faster than two), ``CLOSEDLOOP_EMBED_BACKEND`` (``torch`` or
    ``onnx-int8``) and ``CLOSEDLOOP_EMBED_POOLING`` (``content-mean`` or ``model``).

    Raises:
        ValueError: A variable holds a value that cannot be used (the message names it).
    """
    env = os.environ if environ is None else environ
    config = TopicConfig()
    threads = env.get("CLOSEDLOOP_TOPIC_THREADS")
    if threads:
        if not threads.isdigit() or int(threads) < 1:
            raise ValueError(f"CLOSEDLOOP_TOPIC_THREADS must be a positive integer, not {threads!r}")
        config = config.replace(threads=int(threads))
    backend = env.get("CLOSEDLOOP_EMBED_BACKEND")
    if backend:
        if backend not in ("torch", "onnx-int8"):
            raise ValueError(f"CLOSEDLOOP_EMBED_BACKEND must be 'torch' or 'onnx-int8', not {backend!r}")
        config = config.replace(embed=dataclasses.replace(config.embed, backend=cast(Backend, backend)))
    pooling = env.get("CLOSEDLOOP_EMBED_POOLING")
    if pooling:
        if pooling not in POOLINGS:
            raise ValueError(f"CLOSEDLOOP_EMBED_POOLING must be 'content-mean' or 'model', not {pooling!r}")
        config = config.replace(embed=dataclasses.replace(config.embed, pooling=cast(Pooling, pooling)))
    return config
