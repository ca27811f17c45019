"""The support glossary brings tickets the English model cannot read into English."""

from __future__ import annotations

from topics.config import TextConfig
from topics.glossary import embedding_inputs, english_gist, model_language_texts


def test_a_german_withdrawal_ticket_becomes_an_english_gist_with_its_asset() -> None:
    gist = english_gist("Auszahlung hängt seit 5 Stunden, 200 USDT nicht angekommen", "de")
    assert gist is not None
    assert gist.startswith("withdrawal")
    assert "not received" in gist
    assert "USDT" in gist


def test_chinese_text_is_matched_without_word_boundaries() -> None:
    gist = english_gist("我的提币一直在处理中，钱包里没收到", "zh")
    assert gist is not None
    assert gist.split()[0] == "withdrawal"


def test_english_and_unmatched_texts_are_embedded_as_they_are() -> None:
    texts = ["My deposit is missing", "Ich mag Kuchen sehr gerne"]
    assert model_language_texts(texts, ["en", "de"]) == texts


def test_unsure_language_detection_leaves_the_text_alone() -> None:
    texts = ["retiro pendiente"]
    inputs, languages = embedding_inputs(texts, TextConfig(min_language_confidence=0.7), ["es"], [0.5])
    assert inputs == texts
    assert languages == ["und"]


def test_the_glossary_can_be_switched_off() -> None:
    texts = ["Retiro atascado en procesamiento"]
    inputs, _ = embedding_inputs(texts, TextConfig(glossary=False), ["es"], [1.0])
    assert inputs == texts
