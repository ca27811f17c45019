"""On real app-store reviews and a real issue tracker, the defaults beat plain MiniLM cosine."""

from __future__ import annotations

import csv
from pathlib import Path

from topics.embed import EmbeddingCache
from topics.link import MatchConfig, recall_at_k
from topics.link.files import link_files


def _gold(folder: Path) -> list[tuple[str, str]]:
    with (folder / "vlc_gold.csv").open(newline="") as handle:
        return [(row["feedback_id"], row["item_id"]) for row in csv.DictReader(handle)]


def _rankings(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            out.setdefault(row["feedback_id"], []).append(row["item_id"])
    return out


def test_recall_at_10_of_the_defaults_beats_plain_minilm_cosine_on_vlc(vlc_dataset, tmp_path, minilm):
    feedback, backlog = vlc_dataset / "vlc_feedback.csv", vlc_dataset / "vlc_backlog.csv"
    gold = _gold(vlc_dataset)
    cache = EmbeddingCache(tmp_path / "cache.duckdb")  # the reviews are embedded once for both runs
    link_files(feedback, backlog, tmp_path / "defaults.csv", embedder=minilm, cache=cache)
    link_files(feedback, backlog, tmp_path / "baseline.csv", embedder=minilm, cache=cache,
               config=MatchConfig(signals=("dense_text",)))
    defaults = recall_at_k(_rankings(tmp_path / "defaults.csv"), gold, ks=(10,))[10]
    baseline = recall_at_k(_rankings(tmp_path / "baseline.csv"), gold, ks=(10,))[10]
    assert defaults > baseline
