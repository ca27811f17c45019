"""Embedding backends: the ONNX int8 export agrees with the packaged model; knobs come from the environment.

Uses the real packaged MiniLM and a real ONNX export (about 15 s, kept in ``tmp_path``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from topics.config import EmbedConfig, config_from_env
from topics.embed import make_embedder


def test_onnx_int8_vectors_are_close_to_the_torch_vectors(tmp_path: Path) -> None:
    texts = ["My USDT withdrawal is stuck in processing", "KYC verification rejected again",
             "the app crashes after the update", "API returns 429 too many requests"]
    onnx = make_embedder(EmbedConfig(backend="onnx-int8"), threads=1, cache_dir=tmp_path)
    torch_vectors = make_embedder(EmbedConfig(), threads=1).embed(texts)
    onnx_vectors = onnx.embed(texts)
    assert onnx.model_id != make_embedder(EmbedConfig(), threads=1).model_id
    assert np.min(np.sum(torch_vectors * onnx_vectors, axis=1)) > 0.95
    assert (tmp_path / "onnx").is_dir()


def test_thread_count_and_backend_are_read_from_the_environment() -> None:
    config = config_from_env({"CLOSEDLOOP_TOPIC_THREADS": "1", "CLOSEDLOOP_EMBED_BACKEND": "onnx-int8"})
    assert config.threads == 1
    assert config.embed.backend == "onnx-int8"


def test_a_bad_thread_count_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="CLOSEDLOOP_TOPIC_THREADS"):
        config_from_env({"CLOSEDLOOP_TOPIC_THREADS": "two"})
