"""The ONNX Runtime backend: the same model exported to ONNX and quantized to int8 per channel."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from topics.config import EmbedConfig
from topics.embed import base
from topics.embed.base import ModelNotFoundError
from topics.embed.text import normalize_text

log = logging.getLogger(__name__)


class OnnxInt8Embedder:
    """The same model exported to ONNX and quantized to int8 (dynamic, per-channel), on ONNX Runtime.

    Measured here: about 1.7x the torch speed at cosine 0.99 to the fp32 vectors;
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
        self._folder = base.model_folder(config)
        self._model_id = base.default_model_id(config)
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

        base.offline()
        base.quiet_transformers()
        model = SentenceTransformer(str(self._folder), device="cpu", local_files_only=True)
        if not base.pools_by_mean(model):
            raise ModelNotFoundError(f"{self._folder}: only mean-pooling models can use the onnx-int8 backend")
        transformer: Any = model[0].auto_model
        transformer.eval()
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
                hidden: torch.Tensor = self.inner(**dict(zip(names, args, strict=True))).last_hidden_state
                return hidden

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
        special = base.special_token_ids(self._tokenizer) if self.config.pooling == "content-mean" else []
        done = 0
        for batch in base.length_sorted_batches(lengths, self.config.batch_size):
            feeds = self._encode([clean[i] for i in batch])
            hidden = self._session.run(None, feeds)[0]
            out[batch] = base.content_mean(hidden, feeds["attention_mask"], feeds["input_ids"], special)
            done += len(batch)
            if self.progress:
                self.progress(done, len(clean))
        return out


