"""Semantic candidates between themes and backlog items (topics/link/themes.py, topics/link/refresh.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pytest

from closedloop.core.warehouse import backlog_item_texts, connect
from closedloop.ingest.schema import create_all_sql
from topics.embed import Embedder, EmbeddingCache
from topics.link import BacklogItem, MatchConfig, Matcher
from topics.link.refresh import CandidateReport, split_code_words, update_theme_item_candidates
from topics.link.themes import ThemeProfile, candidate_links, item_neighbours
from topics.store import ensure_schema

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
AGAIN = BacklogItem("EX-4", "NPE in WalletFragment.onResume after the token list refresh", "Crash again.")
"""The same fault as EX-3, filed again."""


def _profiles(embedder: Embedder) -> list[ThemeProfile]:
    return [ThemeProfile(theme_id, embedder.embed(texts).mean(axis=0)) for theme_id, texts in TICKETS.items()]


def test_code_identifiers_are_spelled_as_words():
    assert split_code_words("NPE in WalletFragment.onResume") == "NPE in Wallet Fragment on Resume"
    assert split_code_words("token_list of OtpSender") == "token list of Otp Sender"
    assert split_code_words("iOS v1.2, e.g. a crash") == "iOS v1.2, e.g. a crash"


def test_each_engineering_item_ranks_the_theme_of_its_symptom_first(minilm: Embedder):
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


def test_an_engineers_item_reads_like_the_earlier_fix_of_the_same_fault(minilm: Embedder):
    items = [BacklogItem(i.item_id, split_code_words(i.title), i.description) for i in [
        BacklogItem("EX-1", "OOM in KlineChartView on low-memory Android devices", "Top crash in the app."),
        BacklogItem("EX-2", "Add Turkish to the app's languages", "Localisation roadmap."),
        BacklogItem("EX-3", "KlineChartView runs out of memory on old Android phones", "Crashes on open."),
        BacklogItem("EX-4", "Quarterly OKR: grow futures volume", "Growth."),
    ]]
    matcher = Matcher(items, MatchConfig(signals=("dense_title", "dense_text")), embedder=minilm)
    every = item_neighbours(matcher, top_k=3, min_similarity=-1.0)
    nearest = {n.item_id: n.neighbour_id for n in every if n.rank == 1}
    assert nearest["EX-1"] == "EX-3"
    assert nearest["EX-3"] == "EX-1"
    assert all(n.item_id != n.neighbour_id for n in every), "an item is not its own neighbour"
    assert [len([n for n in every if n.item_id == i.item_id]) for i in items] == [3, 3, 3, 3]
    for item in items:
        mine = [n.similarity for n in every if n.item_id == item.item_id]
        assert mine == sorted(mine, reverse=True)
    # Blocks smaller than the backlog give the same neighbours; the floor and top_k cut them.
    blocked = item_neighbours(matcher, top_k=3, min_similarity=-1.0, block=1)
    assert [(n.item_id, n.neighbour_id, n.rank) for n in blocked] == [
        (n.item_id, n.neighbour_id, n.rank) for n in every]
    assert [n.similarity for n in blocked] == pytest.approx([n.similarity for n in every], abs=1e-5)
    close = item_neighbours(matcher, top_k=1, min_similarity=0.5)
    assert {(n.item_id, n.neighbour_id) for n in close} == {("EX-1", "EX-3"), ("EX-3", "EX-1")}


def _warehouse(path: Path, items: list[BacklogItem], minilm: Embedder) -> Path:
    with duckdb.connect(str(path)) as con:
        for statement in create_all_sql():
            con.execute(statement)
        ensure_schema(con)
        for profile in _profiles(minilm):
            con.execute("INSERT INTO topics.themes (theme_id, label, keywords, centroid, is_ignored, is_retired) "
                        "VALUES (?, ?, '', ?, false, false)", [profile.theme_id, profile.theme_id,
                                                               np.asarray(profile.centroid).tolist()])
    _add_items(path, items)
    return path


def _add_items(path: Path, items: list[BacklogItem]) -> None:
    with duckdb.connect(str(path)) as con:
        for item in items:
            con.execute("INSERT INTO raw.backlog_items (item_id, item_type, summary_redacted, description_redacted) "
                        "VALUES (?, ?, ?, ?)", [item.item_id, "Epic" if item.item_id == "EX-10" else "Bug",
                                                item.title, item.description])


@pytest.fixture
def small_warehouse(tmp_path: Path, minilm: Embedder) -> Path:
    return _warehouse(tmp_path / "warehouse.duckdb",
                      [*ITEMS, AGAIN, BacklogItem("EX-10", "Funding reliability", "Epic.")], minilm)


def _refresh(warehouse: Path, cache: Path) -> CandidateReport:
    """The pipeline step on a warehouse file, with its own cache file."""
    with connect(warehouse) as con:
        return update_theme_item_candidates(con, backlog_item_texts(con), cache=EmbeddingCache(cache))


def _evidence(warehouse: Path, item_id: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT 'theme', theme_id, similarity FROM topics.theme_item_candidates WHERE item_id = ? UNION ALL "
            "SELECT 'item', neighbour_id, similarity FROM topics.item_neighbours WHERE item_id = ? "
            "ORDER BY 1, 2", [item_id, item_id]).fetchall()


def test_an_item_added_in_a_later_run_gets_the_evidence_a_full_run_gives_it(tmp_path: Path,
                                                                            minilm: Embedder):
    """The backlog is embedded in float32: an int8 vector would depend on the texts embedded in the
    same batch, so an item embedded alone in a daily run would score differently from a full run
    (with ``link_embed_config(quantize=True)`` in topics/link/refresh.py this test fails)."""
    full = _warehouse(tmp_path / "full.duckdb", [*ITEMS, AGAIN], minilm)
    _refresh(full, tmp_path / "full_cache.duckdb")
    daily = _warehouse(tmp_path / "daily.duckdb", ITEMS, minilm)
    _refresh(daily, tmp_path / "daily_cache.duckdb")
    _add_items(daily, [AGAIN])
    report = _refresh(daily, tmp_path / "daily_cache.duckdb")
    assert 0 < report.embedded <= 3, "only the new item's texts are embedded"
    expected, got = _evidence(full, AGAIN.item_id), _evidence(daily, AGAIN.item_id)
    assert [row[:2] for row in got] == [row[:2] for row in expected]
    assert [row[2] for row in got] == pytest.approx([row[2] for row in expected], abs=1e-4)


def test_pipeline_step_writes_candidates_and_reuses_cached_embeddings(small_warehouse: Path, tmp_path: Path):
    cache = tmp_path / "link_cache.duckdb"
    first = _refresh(small_warehouse, cache)
    second = _refresh(small_warehouse, cache)
    assert first.items == 4, "epics are containers and never scored"
    assert first.embedded > 0
    assert second.embedded == 0
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        rows = con.execute("SELECT item_id, theme_id FROM topics.theme_item_candidates "
                           "WHERE similarity_rank = 1 ORDER BY item_id").fetchall()
        total = con.execute("SELECT count(*) FROM topics.theme_item_candidates").fetchone()[0]
    assert dict(rows) == EXPECTED | {"EX-4": "T0003"}
    assert total == second.candidates, "a rerun replaces the candidates instead of adding to them"
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        neighbours = con.execute("SELECT count(*), count(DISTINCT item_id), min(similarity) "
                                 "FROM topics.item_neighbours").fetchone()
    assert neighbours[0] == second.neighbours > 0, "item neighbours are written and replaced on a rerun"
    assert neighbours[2] >= 0.3
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        nearest = con.execute("SELECT neighbour_id FROM topics.item_neighbours "
                              "WHERE item_id = 'EX-4' AND similarity_rank = 1").fetchone()
        epic = con.execute("SELECT count(*) FROM topics.item_neighbours "
                           "WHERE 'EX-10' IN (item_id, neighbour_id)").fetchone()[0]
    assert nearest == ("EX-3",)
    assert epic == 0, "epics have no neighbours"
