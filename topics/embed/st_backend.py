"""The sentence-transformers backend: a local model on CPU (torch), float32 or dynamic int8."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from topics.config import EmbedConfig
from topics.embed.base import (
    content_mean,
    default_model_id,
    length_sorted_batches,
    model_folder,
    offline,
    pools_by_mean,
    quiet_transformers,
    special_token_ids,
)
from topics.embed.text import normalize_text
from topics.threads import limit_threads

log = logging.getLogger(__name__)


def _quantized(model: Any) -> Any:
    """The model with its linear layers quantized to int8 on the fly (torch dynamic quantization).

    About 2x faster on CPU; a text's int8 vector depends slightly on the texts batched with it.
    """
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]  # unannotated in torch
            model, {torch.nn.Linear}, dtype=torch.qint8)


class SentenceTransformerEmbedder:
    """A local sentence-transformers model on CPU (torch), with token-count-sorted batches.

    ``backend="torch"`` keeps float32; ``backend="torch-int8"`` quantizes the linear layers to int8.

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
        self._folder = model_folder(self.config)
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
            offline()
            quiet_transformers()
            from sentence_transformers import SentenceTransformer

            with limit_threads(self.threads):
                model = SentenceTransformer(str(self._folder), device=self.config.device, local_files_only=True)
            model.max_seq_length = self.config.max_seq_length
            model.eval()
            if self.config.backend == "torch-int8":
                model = _quantized(model)
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
        from sentence_transformers.util import batch_to_device

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
                features = batch_to_device(model.preprocess([clean[i] for i in batch]), model.device)
                result = model(features)
                if special is not None:
                    out[batch] = content_mean(result["token_embeddings"].float().cpu().numpy(),
                                              result["attention_mask"].cpu().numpy(),
                                              result["input_ids"].cpu().numpy(), special)
                else:
                    vectors = torch.nn.functional.normalize(result["sentence_embedding"].float(), dim=1)
                    out[batch] = vectors.cpu().numpy()
                done += len(batch)
                if self.progress:
                    self.progress(done, len(clean))
        return out


