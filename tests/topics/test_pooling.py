"""Pooling: content-mean (default), the mean of a text's own token vectors, or the model's own.

Uses the real packaged MiniLM. The quality test reads the CLINC150 validation split from
``shared/datasets`` (never the test split the issue's targets are measured on) and is skipped with a
reason when that folder is not beside the project.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from topics.config import EmbedConfig, TopicConfig, config_from_env
from topics.embed import content_mean, make_embedder, pools_by_mean

DATASETS = Path(__file__).resolve().parents[3] / "shared" / "datasets"
CLINC = DATASETS / "clinc150" / "clinc150_full.csv"


def test_content_mean_leaves_out_special_tokens_and_padding() -> None:
    tokens = np.zeros((2, 5, 2), dtype=np.float32)
    tokens[0] = [[9, 9], [1, 0], [1, 0], [9, 9], [5, 5]]  # [CLS] a a [SEP] [PAD]
    tokens[1] = [[9, 9], [0, 1], [9, 9], [5, 5], [5, 5]]  # [CLS] b [SEP] [PAD] [PAD]
    mask = np.array([[1, 1, 1, 1, 0], [1, 1, 1, 0, 0]])
    ids = np.array([[101, 7, 8, 102, 0], [101, 9, 102, 0, 0]])
    pooled = content_mean(tokens, mask, ids, special_ids=[0, 101, 102])
    assert np.allclose(pooled, [[1, 0], [0, 1]])


def test_a_text_without_tokens_of_its_own_falls_back_to_all_its_tokens() -> None:
    tokens = np.array([[[3, 0], [0, 4], [7, 7]]], dtype=np.float32)  # [CLS] [SEP] [PAD]
    pooled = content_mean(tokens, np.array([[1, 1, 0]]), np.array([[101, 102, 0]]), special_ids=[0, 101, 102])
    assert np.allclose(pooled, [[0.6, 0.8]])


class _Pooling:
    def __init__(self, **attributes: object) -> None:
        self.__dict__.update(attributes)


def test_only_mean_pooling_models_count_as_mean_pooled() -> None:
    """The onnx-int8 export refuses the others; sentence-transformers 6 names the mode, older ones set flags."""
    assert pools_by_mean(["transformer", _Pooling(pooling_mode="mean")])
    assert not pools_by_mean(["transformer", _Pooling(pooling_mode="cls")])
    assert pools_by_mean(["transformer", _Pooling(pooling_mode_mean_tokens=True)])
    assert not pools_by_mean(["transformer", _Pooling(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)])


def test_packaged_model_vectors_are_the_mean_of_the_texts_own_tokens() -> None:
    """Checked against sentence-transformers' own token vectors of the same model."""
    texts = ["what is my balance", "book a table for two at an italian place tonight", "hi"]
    embedder = make_embedder(EmbedConfig(pooling="content-mean"), threads=1)
    vectors = embedder.embed(texts)
    model = embedder.model  # type: ignore[attr-defined]
    for text, vector in zip(texts, vectors, strict=True):
        tokens = model.encode([text], output_value="token_embeddings", convert_to_numpy=False)[0]
        expected = tokens[1:-1].float().mean(dim=0).numpy()
        assert np.dot(vector, expected / np.linalg.norm(expected)) > 0.9999
    own = make_embedder(EmbedConfig(pooling="model"), threads=1)
    assert np.allclose(own.embed(texts), model.encode(texts, normalize_embeddings=True), atol=1e-5)
    assert own.model_id == "all-MiniLM-L6-v2|torch|max128"  # vectors cached before content-mean stay valid
    assert embedder.model_id == "all-MiniLM-L6-v2|torch|max128|content-mean"
    assert make_embedder(EmbedConfig(), threads=1).model_id == embedder.model_id  # the default


def test_pooling_is_read_from_the_environment_and_checked() -> None:
    assert config_from_env({}).embed.pooling == "content-mean"
    assert config_from_env({"CLOSEDLOOP_EMBED_POOLING": "model"}).embed.pooling == "model"
    with pytest.raises(ValueError, match="CLOSEDLOOP_EMBED_POOLING"):
        config_from_env({"CLOSEDLOOP_EMBED_POOLING": "cls"})


@pytest.mark.skipif(not CLINC.exists(), reason="shared/datasets/clinc150 is not beside the project")
def test_content_mean_clusters_short_requests_closer_to_their_intents(tmp_path: Path) -> None:
    """CLINC150 validation split, the first 5 requests of each of the 150 intents, production fit."""
    from closedloop.cli.topics import evaluate

    seen: dict[str, int] = {}
    path = tmp_path / "val.csv"
    with CLINC.open(newline="", encoding="utf-8") as handle, path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["text", "intent"])
        for row in csv.DictReader(handle):
            if row["split"] == "val" and seen.get(row["intent"], 0) < 5:
                seen[row["intent"]] = seen.get(row["intent"], 0) + 1
                writer.writerow([row["text"], row["intent"]])
    scores = {}
    for pooling in ("content-mean", "model"):
        config = TopicConfig(threads=1, embed=EmbedConfig(pooling=pooling))
        scores[pooling] = evaluate(path, "text", "intent", config=config, cache_path=tmp_path / "cache.duckdb",
                                   quiet=True)
    assert scores["content-mean"]["rows"] == 750
    assert scores["content-mean"]["nmi"] > scores["model"]["nmi"]
    assert scores["content-mean"]["ari"] > scores["model"]["ari"]
