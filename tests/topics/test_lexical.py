"""The word view: used where a corpus is grouped by the words it names, and nowhere else.

The corpus tests use the real packaged MiniLM on 2,500-text seeded samples of two panel sets in
``shared/datasets`` (StackOverflow titles, grouped by the library they name; CLINC150 validation
requests, grouped by intent in many phrasings) and are skipped with a reason when that folder is not
beside the project.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from topics.config import ClusterConfig, TopicConfig
from topics.embed import make_embedder
from topics.fit import fit_themes
from topics.lexical import lexical_vectors, separation_ratio, with_words

DATASETS = Path(__file__).resolve().parents[3] / "shared" / "datasets"
STACKOVERFLOW = DATASETS / "stackoverflow" / "stackoverflow.csv"
CLINC = DATASETS / "clinc150" / "clinc150_full.csv"
SAMPLE = 2500


def _sample(rows: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    keep = sorted(random.Random(0).sample(range(len(rows)), SAMPLE))
    return [rows[i][0] for i in keep], [rows[i][1] for i in keep]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _fit(texts: list[str], weight: float) -> tuple[np.ndarray, bool]:
    vectors = make_embedder(TopicConfig().embed, threads=2).embed(texts)
    config = TopicConfig(cluster=ClusterConfig(lexical_weight=weight), threads=2)
    result = fit_themes(texts, vectors, config)
    return np.asarray(result.assignments), result.word_view


def test_the_word_view_is_unit_rows_and_absent_when_no_word_is_shared() -> None:
    texts = ["matlab plot axis", "matlab plot legend", "oracle join tables", "oracle join index", "svn merge"]
    lexical = lexical_vectors(texts)
    assert lexical is not None
    assert lexical.shape[0] == len(texts)
    assert np.allclose(np.linalg.norm(lexical[:4], axis=1), 1.0, atol=1e-5)
    assert not lexical[4].any(), "a text sharing no word with the others adds nothing to the word view"
    assert lexical_vectors(["alpha beta", "gamma delta", "epsilon zeta"]) is None


def test_the_ratio_compares_how_well_each_view_separates_the_same_themes() -> None:
    labels = np.array([0, 0, 1, 1, -1])
    sentences = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9], [1, 1]], dtype=np.float32)
    blurred = np.array([[1, 0], [0.5, 0.5], [0, 1], [0.5, 0.5], [1, 1]], dtype=np.float32)
    blurred /= np.linalg.norm(blurred, axis=1, keepdims=True)
    assert separation_ratio(sentences, blurred, labels) < 1.0 < separation_ratio(blurred, sentences, labels)
    assert separation_ratio(sentences, blurred, np.zeros(5, dtype=np.int64)) == 0.0
    combined = with_words(sentences * 3, blurred, 0.5)
    assert combined.shape == (5, 4)
    assert np.allclose(np.linalg.norm(combined[:, :2], axis=1), 1.0)


@pytest.mark.skipif(not STACKOVERFLOW.exists(), reason="shared/datasets/stackoverflow is not beside the project")
def test_titles_grouped_by_the_library_they_name_are_fitted_with_their_words() -> None:
    texts, tags = _sample([(r["text"], r["tag"]) for r in _rows(STACKOVERFLOW)])
    plain, used = _fit(texts, weight=0.0)
    assert not used
    with_view, used = _fit(texts, weight=ClusterConfig().lexical_weight)
    assert used, "the titles' words separate their themes better than the sentence vectors do"
    gain = normalized_mutual_info_score(tags, with_view) - normalized_mutual_info_score(tags, plain)
    assert gain > 0.02, f"the word view should find the tags better (NMI gain {gain:.3f})"


@pytest.mark.skipif(not CLINC.exists(), reason="shared/datasets/clinc150 is not beside the project")
def test_requests_phrased_many_ways_keep_the_sentence_vectors_alone() -> None:
    rows = [(r["text"], r["intent"]) for r in _rows(CLINC) if r["split"] == "val" and r["intent"] != "oos"]
    texts, _ = _sample(rows)
    default, used = _fit(texts, weight=ClusterConfig().lexical_weight)
    assert not used
    plain, _ = _fit(texts, weight=0.0)
    assert np.array_equal(default, plain)
