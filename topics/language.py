"""Language detection for ticket text (py3langid's model ships in the package; nothing downloads)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

_PLACEHOLDER = re.compile(r"<[A-Z_]+>")  # redaction placeholders carry no language
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
_WIDE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")  # CJK, kana, hangul, Thai

MIN_LETTERS = 12
"""Texts with fewer letters than this (and fewer than ``MIN_WORDS`` words) are too short to tell."""
MIN_WORDS = 3
"""Texts with fewer words than this (and fewer than ``MIN_LETTERS`` letters) are too short to tell."""


@dataclass(frozen=True)
class DetectedLanguage:
    """A detected language.

    Attributes:
        language: ISO 639-1 code (``und`` when the text has no letters or is too short to tell:
            "ok", "gr8 app" would otherwise read as Oromo, Occitan or Acehnese).
        confidence: Normalised probability of that language.
    """

    language: str
    confidence: float


@lru_cache(maxsize=4)
def _identifier(languages: tuple[str, ...] | None) -> Any:
    from py3langid.langid import MODEL_DIR, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(Path(MODEL_DIR) / "data" / "model.npz.xz", norm_probs=True)
    if languages:
        identifier.set_languages(list(languages))
    return identifier


def detect_languages(texts: Sequence[str], languages: Sequence[str] | None = None) -> list[DetectedLanguage]:
    """Detect the language of each text.

    Args:
        texts: Ticket texts.
        languages: Restrict the answers to these ISO 639-1 codes (for example the languages your
            help desk serves); None considers every language the model knows (97).
    """
    identifier = _identifier(tuple(sorted(languages)) if languages else None)
    out: list[DetectedLanguage] = []
    for raw in texts:
        text = _PLACEHOLDER.sub(" ", raw or "")
        if too_short(text):
            out.append(DetectedLanguage("und", 0.0))
            continue
        code, probability = identifier.classify(text)
        out.append(DetectedLanguage(str(code), float(probability)))
    return out


def too_short(text: str) -> bool:
    """True when a text has too few letters and words for its language to be told.

    Fewer than ``MIN_WORDS`` words and fewer than ``MIN_LETTERS`` letters, or no letter at all. Text in
    a script without spaces (CJK, Thai) counts its characters: four are enough.
    """
    words = _WORDS.findall(text)
    letters = sum(len(w) for w in words)
    if letters == 0:
        return True
    if len(_WIDE.findall(text)) >= 4:
        return False
    return len(words) < MIN_WORDS and letters < MIN_LETTERS
