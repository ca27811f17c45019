"""Fixtures for the command-line tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def fake_embedder(bag_of_words_embedder: Any) -> Any:
    """A stand-in model for commands that embed: hashed bag of words (see the suite's conftest)."""
    return bag_of_words_embedder
