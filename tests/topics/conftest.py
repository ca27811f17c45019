"""Fixtures for the topic tests: a deterministic fake embedder and small grouped corpora."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pytest


class FakeEmbedder:
    """Maps each text to its group's base vector plus small text-specific noise; counts what it embeds."""

    model_id = "fake|test"

    def __init__(self, groups: Sequence[str], dim: int = 32, noise: float = 0.15, seed: int = 7) -> None:
        rng = np.random.default_rng(seed)
        self.bases = {g: rng.normal(size=dim) for g in groups}
        self.dim = dim
        self.noise = noise
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        rows = []
        for text in texts:
            base = self.bases[text.split()[0]]
            jitter = np.random.default_rng(zlib.crc32(text.encode())).normal(size=self.dim)
            vec = base / np.linalg.norm(base) + self.noise * jitter / np.sqrt(self.dim)
            rows.append(vec / np.linalg.norm(vec))
        return np.asarray(rows, dtype=np.float32)

    @property
    def embedded_texts(self) -> list[str]:
        return [t for call in self.calls for t in call]


GROUPS = {
    "refund": ["refund for my order", "money back please", "refund not received yet", "return and refund"],
    "login": ["cannot log in", "password reset link broken", "two factor code fails", "locked out of account"],
    "shipping": ["parcel is late", "tracking number missing", "delivery went to wrong address", "courier lost it"],
    "invoice": ["invoice has wrong vat", "need a copy of my invoice", "billing address on invoice", "invoice total"],
}


def grouped_corpus(groups: Sequence[str], per_group: int) -> tuple[list[str], list[str]]:
    """Texts that start with their group word (the fake embedder keys on it), and their groups."""
    texts, labels = [], []
    for group in groups:
        phrases = GROUPS[group]
        for i in range(per_group):
            texts.append(f"{group} {phrases[i % len(phrases)]} case {i}")
            labels.append(group)
    return texts, labels


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder(list(GROUPS))


@pytest.fixture
def grouped():
    """The :func:`grouped_corpus` builder."""
    return grouped_corpus
