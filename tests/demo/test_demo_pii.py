"""Ticket texts carry personal data of every kind, as real tickets do."""

from __future__ import annotations

import random
import re

import pytest

from closedloop.demo import pii

PATTERNS = {
    "email": r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    "international phone": r"\+\d{1,3}[ (]\d[\d ()-]{6,}\d",
    "bitcoin bech32 address": r"\bbc1q[02-9ac-hj-np-z]{38}\b",
    "bitcoin legacy address": r"\b[13][1-9A-HJ-NP-Za-km-z]{25,33}\b",
    "ethereum address": r"\b0x[0-9a-f]{40}\b",
    "tron address": r"\bT[1-9A-HJ-NP-Za-km-z]{33}\b",
    "xrp address": r"\br[1-9A-HJ-NP-Za-km-z]{24,33}\b",
    "evm transaction hash": r"\b0x[0-9a-f]{64}\b",
    "bare transaction hash": r"(?<![x0-9a-f])[0-9a-f]{64}\b",
    "card number": r"\b\d{4}([ -])\d{4}\1\d{4}\1\d{4}\b",
}


@pytest.fixture(scope="module")
def texts(tickets: dict[int, dict]) -> list[str]:
    """Subject and description of every ticket."""
    return [f"{t['subject']}\n{t['description']}" for t in tickets.values()]


@pytest.mark.parametrize("kind", PATTERNS)
def test_each_kind_of_personal_data_occurs_in_ticket_text(kind: str, texts: list[str]) -> None:
    pattern = re.compile(PATTERNS[kind])
    assert sum(1 for text in texts if pattern.search(text)) >= 5


def test_between_a_fifth_and_two_fifths_of_tickets_contain_personal_data(texts: list[str]) -> None:
    patterns = [re.compile(p) for p in PATTERNS.values()]
    share = sum(1 for text in texts if any(p.search(text) for p in patterns)) / len(texts)
    assert 0.2 <= share <= 0.4


def test_card_numbers_in_tickets_are_luhn_valid(texts: list[str]) -> None:
    cards = [m.group(0) for text in texts for m in re.finditer(PATTERNS["card number"], text)]
    assert cards
    assert all(pii.luhn_ok(card) for card in cards)


def test_generated_card_numbers_pass_the_luhn_check() -> None:
    rng = random.Random(3)
    assert all(pii.luhn_ok(pii.card_number(rng)) for _ in range(200))
