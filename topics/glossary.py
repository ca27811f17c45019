# ruff: noqa: E501
"""Bring tickets the embedding model cannot read into its language through a support glossary.

The packaged all-MiniLM-L6-v2 reads English only: a Turkish or Chinese ticket about a stuck
withdrawal lands next to other Turkish or Chinese tickets, not next to English withdrawal tickets,
so themes split by language. No multilingual model can be installed offline here, so tickets in
other languages are embedded as an English *gist* instead of their own words: the English terms of
the support-domain glossary below found in the text, in order, plus the language-neutral tokens the
text carries (asset tickers, 2FA, KYC, P2P, API, network names, words in Latin script inside
non-Latin text). The ticket's own text is still used for keywords and representative tickets.

The glossary itself (:mod:`topics.glossary_terms`) is general crypto-exchange and help-desk
vocabulary in 14 languages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from topics.glossary_terms import GLOSSARY

if TYPE_CHECKING:
    from topics.config import TextConfig

UNSPACED = frozenset({"zh", "ja", "ko", "th"})
"""Languages whose forms are matched anywhere in a word (no reliable word boundaries)."""

_NON_LATIN = frozenset({"zh", "ja", "ko", "th", "ru", "ar"})
_MAX_TOKEN = 20  # longer tokens are ids, addresses and hashes
_PLACEHOLDER = re.compile(r"<[A-Z_]+>")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9/+-]*")
_CODE = re.compile(r"\b(?=[A-Za-z0-9/-]*[A-Za-z])(?=[A-Za-z0-9/-]*\d)[A-Za-z0-9/-]{2,}\b|\b[A-Z]{2,}[A-Za-z]*\b")


def glossary_languages() -> frozenset[str]:
    """Languages the glossary covers."""
    return frozenset(lang for forms in GLOSSARY.values() for lang in forms)


@lru_cache(maxsize=32)
def _matcher(language: str) -> tuple[re.Pattern[str], dict[str, str]] | None:
    concept_of: dict[str, str] = {}
    for concept, forms in GLOSSARY.items():
        for form in forms.get(language, ()):
            concept_of.setdefault(form.lower(), concept)
    if not concept_of:
        return None
    alternation = "|".join(re.escape(f) for f in sorted(concept_of, key=len, reverse=True))
    start = "" if language in UNSPACED else r"(?<!\w)"
    return re.compile(f"{start}(?:{alternation})"), concept_of


def neutral_tokens(text: str, language: str) -> list[str]:
    """Tokens any reader shares, whatever the language.

    Codes with digits or capitals (USDT, 2FA, TRC20, KYC, P2P, API) and, inside non-Latin text,
    every Latin-script word (brands, product and technical terms); ids longer than 20 are dropped.
    """
    text = _PLACEHOLDER.sub(" ", text)
    found = _LATIN_WORD.findall(text) if language in _NON_LATIN else _CODE.findall(text)
    return [t for t in found if len(t) <= _MAX_TOKEN]


def english_gist(text: str, language: str) -> str | None:
    """The English gist of a ticket in ``language``: glossary concepts in order, then neutral tokens.

    Args:
        text: Ticket text (subject and body).
        language: ISO 639-1 code of the text.

    Returns:
        The gist, or None when the language is not covered or no glossary term occurs (the caller
        then embeds the original text).
    """
    matcher = _matcher(language)
    if matcher is None:
        return None
    pattern, concept_of = matcher
    concepts: list[str] = []
    for match in pattern.finditer(text.lower()):
        concept = concept_of[match.group(0)]
        if concept not in concepts:
            concepts.append(concept)
    if not concepts:
        return None
    tokens: list[str] = []
    for token in neutral_tokens(text, language):
        if token not in tokens:
            tokens.append(token)
    return " ".join([*concepts, *tokens])


def model_language_texts(texts: Sequence[str], languages: Sequence[str], model_languages: Sequence[str] = ("en",)) -> list[str]:
    """The texts to embed: as they are in a language the model reads, else their English gist.

    Args:
        texts: Ticket texts.
        languages: Detected language per text (ISO 639-1).
        model_languages: Languages the embedding model reads (MiniLM: English).

    Returns:
        One text per input.
    """
    if len(texts) != len(languages):
        raise ValueError(f"{len(texts)} texts but {len(languages)} languages")
    readable = set(model_languages)
    out: list[str] = []
    for text, language in zip(texts, languages, strict=True):
        gist = None if language in readable else english_gist(text, language)
        out.append(gist or text)
    return out


UNKNOWN = "und"
"""Language of a text detected with too little confidence: treated as readable by the model."""


def embedding_inputs(texts: Sequence[str], config: TextConfig | None = None,
                     languages: Sequence[str] | None = None,
                     confidences: Sequence[float] | None = None) -> tuple[list[str], list[str]]:
    """What to embed for each text, and each text's language (detected when not given).

    Short texts are often detected as another language with low confidence (0.4-0.7 for a few
    percent of CLINC150's English requests, 0.97+ for most real tickets in other languages), so a
    detection below ``config.min_language_confidence`` counts as ``und`` and the text is embedded
    as it is.

    Args:
        texts: Ticket texts.
        config: Text settings (model languages, glossary on or off, least confidence).
        languages: Known languages per text; None detects them (py3langid, offline).
        confidences: Confidence of each known language (None: trust them).

    Returns:
        Texts to embed (gists where the glossary applies) and languages, ``und`` where unsure or
        where no gist applied (such texts are embedded as they are and fitted on).
    """
    from topics.config import TextConfig
    from topics.language import detect_languages

    config = config or TextConfig()
    if languages is None:
        found = detect_languages(texts)
        languages, confidences = [d.language for d in found], [d.confidence for d in found]
    langs = list(languages)
    if confidences is not None:
        langs = [lang if conf >= config.min_language_confidence else UNKNOWN
                 for lang, conf in zip(langs, confidences, strict=True)]
    if not config.glossary:
        return list(texts), langs
    inputs = model_language_texts(texts, langs, config.model_languages)
    readable = set(config.model_languages)
    # a text embedded as it is, whatever its language label, is fitted on like a readable one
    return inputs, [lang if lang in readable or inp is not text else UNKNOWN
                    for lang, inp, text in zip(langs, inputs, texts, strict=True)]
