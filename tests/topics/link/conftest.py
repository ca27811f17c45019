"""Fixtures for the linking tests: a shared packaged model, a fake embedder, the VLC dataset."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from topics.embed import Embedder, make_embedder
from topics.link import link_embed_config

ROOT = Path(__file__).resolve().parents[3]
VLC_DATASET = Path(os.environ.get("CLOSEDLOOP_FEEDBACK_DATASET", ROOT.parent / "shared/datasets/feedback_to_issues"))


@pytest.fixture
def fake_embedder(bag_of_words_embedder: Any) -> Any:
    """The linking tests' stand-in model: hashed bag of words (see the suite's conftest)."""
    return bag_of_words_embedder


@pytest.fixture(scope="session")
def minilm() -> Embedder:
    """The model ``closedloop link`` ships: packaged all-MiniLM-L6-v2, int8, one thread; loaded once."""
    return make_embedder(link_embed_config(quantize=True), threads=1)


@pytest.fixture(scope="session")
def vlc_dataset() -> Path:
    """The real VLC reviews/issues/judgements folder, or a skip saying where it was looked for."""
    if not (VLC_DATASET / "vlc_gold.csv").exists():
        pytest.skip(f"VLC feedback_to_issues dataset not found at {VLC_DATASET} (set CLOSEDLOOP_FEEDBACK_DATASET)")
    return VLC_DATASET
