"""The normal form under which texts are embedded and cached."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SPACE = re.compile(r"\s+")


def normalize_text(text: str | None) -> str:
    """The form that is embedded and hashed: Unicode NFKC, whitespace runs collapsed, ends stripped.

    Case is kept: whether it matters is the model's business (MiniLM lowercases itself).

    Args:
        text: Raw text, or None (treated as empty).

    Returns:
        The normalized text.
    """
    if not text:
        return ""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def text_hash(text: str | None) -> str:
    """Hex sha256 of the normalized text (the embedding cache key, together with the model id)."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()
