from __future__ import annotations

import duckdb
import numpy as np


def test_duplicates_in_one_batch_are_embedded_once(fake_embedder):
    from topics.embed.cache import embed_with_cache

    con = duckdb.connect()
    texts = ["refund money back", "refund  money back ", "login cannot log in", "refund money back"]
    out = embed_with_cache(con, texts, fake_embedder)
    assert out.embedded == 2
    assert sorted(fake_embedder.embedded_texts) == ["login cannot log in", "refund money back"]
    assert np.allclose(out.vectors[0], out.vectors[1])
    assert np.allclose(out.vectors[0], out.vectors[3])


def test_second_call_embeds_nothing_and_returns_the_same_vectors(fake_embedder):
    from topics.embed.cache import embed_with_cache

    con = duckdb.connect()
    texts = ["refund money back", "login cannot log in", "shipping parcel late"]
    first = embed_with_cache(con, texts, fake_embedder)
    calls = len(fake_embedder.calls)
    second = embed_with_cache(con, list(reversed(texts)), fake_embedder)
    assert second.embedded == 0
    assert second.reused == 3
    assert len(fake_embedder.calls) == calls
    assert np.allclose(second.vectors, first.vectors[::-1])


def test_only_unseen_texts_are_embedded_when_new_and_old_mix(fake_embedder):
    from topics.embed.cache import embed_with_cache

    con = duckdb.connect()
    embed_with_cache(con, ["refund money back"], fake_embedder)
    out = embed_with_cache(con, ["refund money back", "invoice wrong vat", "invoice wrong vat"], fake_embedder)
    assert out.embedded == 1
    assert fake_embedder.calls[-1] == ["invoice wrong vat"]


def test_cache_survives_reopening_the_file(tmp_path, fake_embedder):
    from topics.embed.cache import embed_with_cache

    path = tmp_path / "cache.duckdb"
    with duckdb.connect(str(path)) as con:
        embed_with_cache(con, ["login locked out"], fake_embedder)
    with duckdb.connect(str(path)) as con:
        assert embed_with_cache(con, ["login locked out"], fake_embedder).embedded == 0


def test_packaged_model_embeds_offline_with_unit_vectors_in_input_order():
    from topics.config import EmbedConfig
    from topics.embed import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder(EmbedConfig(batch_size=4), threads=1)
    texts = ["I want a refund for my order", "refund my purchase please", "the app crashes on login",
             "a much longer text about a parcel that never arrived although tracking says delivered", "hi"]
    vectors = embedder.embed(texts)
    assert vectors.shape == (5, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    again = embedder.embed(list(reversed(texts)))[::-1]
    assert np.allclose(vectors, again, atol=1e-5)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2]
