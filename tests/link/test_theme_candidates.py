"""Semantic candidates between themes and backlog items (topics/link/themes.py, closedloop/links.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pytest

from closedloop.ingest.schema import create_all_sql
from closedloop.links import split_code_words, update_theme_item_candidates
from topics.link import BacklogItem, MatchConfig, Matcher, MiniLMEmbedder
from topics.link.themes import ThemeProfile, candidate_links

TICKETS = {
    "T0001": ["My withdrawal has been pending for hours", "withdrawal stuck in processing since yesterday",
              "why is my BTC withdrawal still not sent"],
    "T0002": ["I never receive the SMS code for 2FA", "verification code SMS does not arrive, locked out",
              "no SMS code so I cannot log in"],
    "T0003": ["the app crashes when I open my wallet", "app closes immediately when I tap assets",
              "android app keeps crashing on the wallet screen"],
}
ITEMS = [
    BacklogItem("EX-1", "WithdrawalSigner queue blocks on a nonce gap", "Withdrawals stay in processing."),
    BacklogItem("EX-2", "OtpSender never fails over when the SMS provider times out", "Add a voice fallback."),
    BacklogItem("EX-3", "NPE in WalletFragment.onResume when the token list is empty", "Top crash."),
]
EXPECTED = {"EX-1": "T0001", "EX-2": "T0002", "EX-3": "T0003"}


def _profiles(embedder: MiniLMEmbedder) -> list[ThemeProfile]:
    return [ThemeProfile(theme_id, embedder.embed(texts).mean(axis=0)) for theme_id, texts in TICKETS.items()]


def test_code_identifiers_are_spelled_as_words():
    assert split_code_words("NPE in WalletFragment.onResume") == "NPE in Wallet Fragment on Resume"
    assert split_code_words("token_list of OtpSender") == "token list of Otp Sender"
    assert split_code_words("iOS v1.2, e.g. a crash") == "iOS v1.2, e.g. a crash"


def test_each_engineering_item_ranks_the_theme_of_its_symptom_first(minilm: MiniLMEmbedder):
    items = [BacklogItem(i.item_id, split_code_words(i.title), i.description) for i in ITEMS]
    matcher = Matcher(items, MatchConfig(signals=("dense_title", "dense_text")), embedder=minilm)
    candidates = candidate_links(matcher, _profiles(minilm), top_k=3, min_similarity=-1.0)
    best = {c.item_id: c.theme_id for c in candidates if c.rank == 1}
    assert best == EXPECTED
    assert all(-1.0 <= c.agreement <= 1.0 for c in candidates)
    assert {len([c for c in candidates if c.item_id == i]) for i in EXPECTED} == {3}


def test_candidates_below_the_similarity_floor_are_dropped(fake_embedder):
    items = [BacklogItem("EX-9", "withdrawal pending", "")]
    themes = [ThemeProfile("T0001", fake_embedder.embed(["withdrawal pending"])[0]),
              ThemeProfile("T0002", fake_embedder.embed(["completely unrelated words"])[0])]
    matcher = Matcher(items, MatchConfig(signals=("dense_title",)), embedder=fake_embedder)
    kept = candidate_links(matcher, themes, top_k=5, min_similarity=0.5)
    assert [(c.theme_id, c.rank) for c in kept] == [("T0001", 1)]
    assert kept[0].similarity == pytest.approx(1.0, abs=1e-5)


@pytest.fixture
def small_warehouse(tmp_path: Path, minilm: MiniLMEmbedder) -> Path:
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        for statement in create_all_sql():
            con.execute(statement)
        for profile in _profiles(minilm):
            con.execute("INSERT INTO topics.themes (theme_id, label, keywords, centroid, is_ignored, is_retired) "
                        "VALUES (?, ?, '', ?, false, false)", [profile.theme_id, profile.theme_id,
                                                               np.asarray(profile.centroid).tolist()])
        for item in [*ITEMS, BacklogItem("EX-10", "Funding reliability", "Epic.")]:
            con.execute("INSERT INTO raw.backlog_items (item_id, item_type, summary_redacted, description_redacted) "
                        "VALUES (?, ?, ?, ?)", [item.item_id, "Epic" if item.item_id == "EX-10" else "Bug",
                                                item.title, item.description])
    return warehouse


def test_pipeline_step_writes_candidates_and_reuses_cached_embeddings(small_warehouse: Path, tmp_path: Path):
    cache = tmp_path / "link_cache.duckdb"
    first = update_theme_item_candidates(small_warehouse, cache_path=cache)
    second = update_theme_item_candidates(small_warehouse, cache_path=cache)
    assert first.items == 3, "epics are containers and never scored"
    assert first.embedded > 0
    assert second.embedded == 0
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        rows = con.execute("SELECT item_id, theme_id FROM topics.theme_item_candidates "
                           "WHERE similarity_rank = 1 ORDER BY item_id").fetchall()
        total = con.execute("SELECT count(*) FROM topics.theme_item_candidates").fetchone()[0]
    assert dict(rows) == EXPECTED
    assert total == second.candidates, "a rerun replaces the candidates instead of adding to them"
