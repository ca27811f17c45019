"""Theme names, the low-information bucket and short-text languages, on small hand-made texts."""

from __future__ import annotations

import numpy as np

from topics.config import LowInfoConfig
from topics.language import detect_languages
from topics.lowinfo import low_information_mask, near_key, normalise
from topics.naming import Namer, brand_terms


def _corpus() -> list[str]:
    words = ["morning", "evening", "friday", "yesterday", "twice", "again", "today", "weekend", "monday", "night"]
    deposit = [f"Zenbit deposit not credited, got no answer since {words[n % 10]} {words[(n * 3) % 10]}"
               for n in range(30)]
    twofa = [f"zenbit 2FA code not arriving {words[n % 10]}, it takes forever {words[(n * 7) % 10]}"
             for n in range(30)]
    other = [f"Zenbit app dark mode request {words[n % 10]}" for n in range(40)]
    return deposit + twofa + other


def test_names_are_phrases_without_brand_or_filler() -> None:
    """A theme is named by a separating phrase of its texts: not the brand, no filler verb at its edges."""
    texts = _corpus()
    namer = Namer(texts)
    assert "zenbit" in namer.brands
    deposit = namer.name(np.arange(30))
    twofa = namer.name(np.arange(30, 60))
    assert {"deposit", "credited"} & set(deposit.lower().split())
    assert {"2fa", "code", "arriving"} & set(twofa.lower().split())
    for name in (deposit, twofa):
        words = name.lower().split()
        assert "zenbit" not in words
        assert words[0] not in {"got", "takes", "tried"}
        assert words[-1] not in {"got", "takes", "tried"}
        assert name[0].isupper()


def test_a_theme_without_candidates_is_never_unnamed_keywords() -> None:
    """Texts of stop words only still get a name from the keywords, never "(no keywords)"."""
    namer = Namer(["the and of", "of the and"])
    assert namer.name(np.arange(2), keywords=("refund",)) == "Refund"


def test_brand_terms_need_a_large_share() -> None:
    """A word in under half of the texts is no brand term; small samples have none."""
    texts = _corpus()
    assert "deposit" not in brand_terms(texts, 0.5)
    assert "zenbit" in brand_terms(texts, 0.5)
    assert brand_terms(texts[:10], 0.5) == frozenset()


def test_low_information_mask() -> None:
    """Templates in volume, one-word texts and texts without content words are set aside; complaints are not."""
    complaints = [f"withdrawal {n} stuck pending for days" for n in range(200)]
    templates = ["neutral"] * 40 + ["3 out of 5 i guess"] * 30 + ["sooooo good"] * 15 + ["soo good"] * 15
    texts = complaints + templates + ["mediocre", "and so it is"]
    mask = low_information_mask(texts, LowInfoConfig())
    assert not mask[:200].any()
    assert mask[200:].all()
    assert normalise("Sooooo GOOD!!") == "so good"
    assert near_key(normalise("soo good")) == near_key(normalise("sooooo good"))
    assert not low_information_mask(texts, LowInfoConfig(enabled=False)).any()


def test_a_repeated_long_ticket_is_not_a_template_below_the_bulk_share() -> None:
    """The same long request sent 25 times among 2,000 texts is a real theme, not low-information."""
    texts = [f"ticket {n} about something specific number {n}" for n in range(1975)]
    texts += ["my card payment was declined at the checkout twice today and the shop refused it"] * 25
    assert not low_information_mask(texts).any()


def test_short_texts_have_no_language() -> None:
    """Two short words read as "und", not a spurious code; a sentence is detected."""
    found = detect_languages(["gr8 app", "ok", "meh", "Meine Einzahlung ist nicht angekommen", "充值没到账"])
    assert [d.language for d in found[:3]] == ["und", "und", "und"]
    assert found[3].language == "de"
    assert found[4].language == "zh"
