"""How many texts a fit may leave without a theme: at most ``ClusterConfig.max_outlier_share`` of them."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from topics.cluster import bounded_outliers
from topics.config import TopicConfig


def test_only_the_least_similar_texts_stay_out_when_too_many_fall_below_the_bar():
    similarity = np.array([0.9, 0.1, 0.25, 0.05, 0.2, 0.8])
    out = bounded_outliers(similarity, min_similarity=0.3, max_outliers=2)
    assert out.tolist() == [False, True, False, True, False, False]


def test_texts_above_the_bar_always_join_a_theme():
    out = bounded_outliers(np.array([0.9, 0.35, 0.2]), min_similarity=0.3, max_outliers=5)
    assert out.tolist() == [False, False, True]


def test_a_fit_leaves_at_most_five_percent_of_texts_unassigned(fake_embedder, grouped):
    """120 grouped English texts are fitted; 20 unrelated ones in an unread language join afterwards.

    Their vectors point away from every theme (negative cosine), so without the bound all 20 (14 %)
    would stay out; with it 7 of 140 (5 %) stay out, the least similar ones, and the groups are intact.
    """
    from topics.fit import fit_themes

    texts, labels = grouped(["refund", "login", "shipping"], per_group=40)
    vectors = fake_embedder.embed(texts)
    jitter = np.random.default_rng(4).normal(size=(20, vectors.shape[1]))
    noise = (jitter * 0.05 - vectors.mean(axis=0)).astype(np.float32)
    syllables = ["kor", "vann", "tepp", "lund", "mirk", "sael", "brov", "quen", "dask", "fjol", "ryt", "gimm"]
    pick = np.random.default_rng(5)
    unread = [" ".join("".join(pick.choice(syllables, 2)) for _ in range(6)) for _ in range(20)]
    all_texts = texts + unread  # distinct sentences of content words: not low-information
    languages = ["en"] * len(texts) + ["xx"] * 20
    config = TopicConfig(seed=2, threads=1)
    result = fit_themes(all_texts, np.vstack([vectors, noise]), config, languages=languages)

    assert config.cluster.max_outlier_share == 0.05
    assert result.outlier_share == 7 / 140
    left_out = np.flatnonzero(result.assignments == -1)
    assert set(left_out.tolist()) <= set(range(120, 140))
    similarity = (noise / np.linalg.norm(noise, axis=1, keepdims=True)) @ np.stack(
        [t.centroid for t in result.themes]).T
    least = np.argsort(similarity.max(axis=1))[:7] + 120
    assert sorted(left_out.tolist()) == sorted(least.tolist())
    assert adjusted_rand_score(labels, result.assignments[:120]) == 1.0

