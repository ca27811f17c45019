from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from topics.config import ClusterConfig, TopicConfig


def test_clearly_separated_groups_are_recovered_as_themes(fake_embedder, grouped):
    from topics.fit import fit_themes

    texts, labels = grouped(["refund", "login", "shipping", "invoice"], per_group=15)
    result = fit_themes(texts, fake_embedder.embed(texts), TopicConfig(seed=3, threads=1))
    assert result.n_themes == 4
    assert result.outlier_share == 0.0
    assert adjusted_rand_score(labels, result.assignments) == 1.0
    for theme in result.themes:
        assert theme.size == 15
        assert len(theme.representative_docs) == 3
        assert theme.label
        group = labels[theme.representative_docs[0]]
        assert group in theme.keywords[:3]


def test_large_inputs_are_fitted_on_a_sample_and_the_rest_assigned(fake_embedder, grouped):
    from topics.fit import fit_themes

    texts, labels = grouped(["refund", "login", "shipping"], per_group=40)
    config = TopicConfig(cluster=ClusterConfig(max_fit_docs=60), seed=5, threads=1)
    result = fit_themes(texts, fake_embedder.embed(texts), config)
    assert result.n_fit_docs == 60
    assert result.n_themes == 3
    assert adjusted_rand_score(labels, result.assignments) == 1.0


def test_representative_texts_are_redacted(fake_embedder):
    from closedloop.core.redact import redact
    from topics.fit import fit_themes

    texts = [f"refund to jane{i}@example.com please" for i in range(10)] + \
            [f"login fails for call +44 20 7946 09{i:02d}" for i in range(10)]
    result = fit_themes(texts, fake_embedder.embed(texts), TopicConfig(seed=1, threads=1), redact=redact)
    shown = " ".join(t for theme in result.themes for t in theme.representative_texts)
    assert "@example.com" not in shown
    assert "<EMAIL>" in shown


def test_stop_words_follow_the_languages_present():
    from topics.stopwords import guess_languages, stop_words

    texts = ["Hola, necesito ayuda con mi factura por favor"] * 5 + ["I need help with the invoice"] * 5
    languages = guess_languages(texts)
    assert languages == ("en", "es")
    words = set(stop_words(languages))
    assert {"the", "por", "con"} <= words
    assert "factura" not in words


def test_silhouette_shortcut_equals_the_pairwise_definition():
    from sklearn.metrics import silhouette_score

    from topics.cluster import cosine_silhouette, unit_rows

    rng = np.random.default_rng(0)
    vectors = unit_rows(rng.normal(size=(120, 8)))
    labels = rng.integers(0, 4, size=120)
    distances = np.clip(1 - vectors @ vectors.T, 0, None)
    np.fill_diagonal(distances, 0)
    assert abs(cosine_silhouette(vectors, labels) - silhouette_score(distances, labels, metric="precomputed")) < 1e-5
