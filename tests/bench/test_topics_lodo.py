"""The leave-one-dataset-out bench clusters a set the way the product does.

``bench/topics_lodo.py`` replays the clustering path of ``topics.fit.fit_themes`` (fit sample,
low-information texts set aside, SVD, Ward tree, count choice, joins) so that it can change one tuned
constant at a time. If the product's path moves and the replay does not, every figure of the
leave-one-dataset-out table silently describes another product. The vectors here are synthetic
(separated directions with noise) because the test is about the replay, not about embeddings.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from topics.config import TopicConfig
from topics.fit import fit_themes

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
topics_lodo = pytest.importorskip("topics_lodo")

WORDS = ["refund", "login", "delivery", "invoice", "password", "upgrade"]


def _labelled(n_per: int = 60, seed: int = 0) -> tuple[list[str], np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(WORDS), 48))
    texts, rows, labels = [], [], []
    for j, word in enumerate(WORDS):
        for i in range(n_per):
            texts.append(f"my {word} request number {i} has a problem with the {word} page {i % 7}")
            rows.append(centres[j] + 0.35 * rng.normal(size=48))
            labels.append(word)
    for _ in range(12):  # a template repeated in volume: low-information text
        texts.append("ok")
        rows.append(rng.normal(size=48))
        labels.append("template")
    return texts, np.asarray(rows, dtype=np.float32), labels


def test_the_replay_cuts_where_the_product_cuts_and_sets_the_template_aside():
    texts, vectors, labels = _labelled()
    config = TopicConfig()
    product = fit_themes(texts, vectors, config)
    themes = [t for t in product.themes if t.kind != "low_information"]
    case = topics_lodo.Case(texts, vectors, ["en"] * len(texts), labels, config)
    k = case.count(config.cluster)
    replay = case.result(k, config.cluster)
    assert replay["themes"] == len(themes) == len(WORDS)
    assert not case.low[: len(WORDS) * 60].any()
    assert case.low[-12:].all()
    assert replay["ari"] > 0.95
    assert replay["outlier_share"] == 0.0


def test_the_sweep_reports_every_tuned_constant_with_the_tripling_multiplier():
    texts, vectors, labels = _labelled()
    config = TopicConfig()
    case = topics_lodo.Case(texts, vectors, ["en"] * len(texts), labels, config)
    keep = np.arange(0, len(texts), 3)
    third = topics_lodo.Case([texts[i] for i in keep], vectors[keep], ["en"] * len(keep),
                             [labels[i] for i in keep], config)
    sweep = topics_lodo.sweep(case, [third], config)
    assert set(sweep) == set(topics_lodo.RULES)
    for rule, (_, values) in topics_lodo.RULES.items():
        assert [row["value"] for row in sweep[rule]] == list(values)
        assert all(row["x3"] > 0 for row in sweep[rule])
