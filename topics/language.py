"""Language detection for ticket text (py3langid's model ships in the package; nothing downloads)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

_PLACEHOLDER = re.compile(r"<[A-Z_]+>")  # redaction placeholders carry no language


@dataclass(frozen=True)
class DetectedLanguage:
    """A detected language.

    Attributes:
        language: ISO 639-1 code (``und`` when the text has no letters).
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
        if not any(ch.isalpha() for ch in text):
            out.append(DetectedLanguage("und", 0.0))
            continue
        code, probability = identifier.classify(text)
        out.append(DetectedLanguage(str(code), float(probability)))
    return out
