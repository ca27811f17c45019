"""Text handling for matching: identifier-aware tokens, a light stemmer, titles and chunks.

Engineers write ``NPE in WalletFragment.onResume``; users write "the app crashes when I open my
wallet". Splitting code identifiers (CamelCase, snake_case, dotted and path names) into words lets
the lexical matcher see ``wallet`` in both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from topics.stopwords import ENGLISH_STOP_WORDS

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_RAW_TOKEN = re.compile(r"[\w.$/\\:-]+", re.UNICODE)
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+|[^\W\d_]+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?•])\s+|\n+|\s+(?=\d+\.\s)|\s*•\s*")

STOP_WORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS) | frozenset(
    {"s", "t", "don", "doesn", "didn", "isn", "wasn", "won", "can", "ll", "ve", "re", "m", "d", "im", "ive"}
)


def split_identifier(token: str) -> list[str]:
    """Words of one code identifier, lowercased.

    ``WalletFragment.onResume`` gives ``wallet fragment on resume``; ``media_library`` gives
    ``media library``; ``HTTPServerError`` gives ``http server error``.

    Args:
        token: A run of word characters, dots, slashes, dashes or colons.

    Returns:
        The lowercased parts, in order; digits are parts of their own.
    """
    words: list[str] = []
    for piece in re.split(r"[._$/\\:-]+", token):
        words.extend(part.lower() for part in _CAMEL.findall(piece))
    return words


def stem(word: str) -> str:
    """A light English suffix stripper (plurals, -ing, -ed, -ly), enough to fold "crashes"/"crashing"/"crashed".

    Deliberately conservative (no Porter rules for -ation etc.): words of four letters or fewer
    are kept as they are.
    """
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("edly", ""), ("ed", ""), ("ly", ""),
                         ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            if suffix == "es" and not word.endswith(("ches", "shes", "xes", "sses", "zes")):
                return word[:-1]
            base = word[: len(word) - len(suffix)] + keep
            if suffix in ("ing", "ed", "edly") and len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]
            return base
    return word


def tokenize(text: str, *, split_identifiers: bool = True, stemming: bool = True) -> list[str]:
    """Index terms of ``text``: identifier parts, lowercased, stop words and bare numbers dropped.

    Args:
        text: Any text (a review, a ticket, a backlog summary or description, a stack trace).
        split_identifiers: Split CamelCase, snake_case and dotted names into their words.
        stemming: Fold inflections with :func:`stem`.

    Returns:
        The terms in order of appearance (repeats kept, for term frequencies).
    """
    terms: list[str] = []
    for raw in _RAW_TOKEN.findall(unicodedata.normalize("NFKC", text)):
        terms.extend(_raw_terms(raw, split_identifiers, stemming))
    return terms


@lru_cache(maxsize=1 << 18)
def _raw_terms(raw: str, split_identifiers: bool, stemming: bool) -> tuple[str, ...]:
    """Index terms of one raw token (memoized: trackers repeat the same words and identifiers)."""
    parts = split_identifier(raw) if split_identifiers else [w.lower() for w in _WORD.findall(raw)]
    return tuple(stem(part) if stemming else part for part in parts
                 if len(part) >= 2 and not part.isdigit() and part not in STOP_WORDS)


CRASH_TERMS = re.compile(
    r"\b(?:NPE|OOM|SIGSEGV|SIGABRT|SIGBUS|EXC_BAD_ACCESS|[A-Z]\w*Exception|(?:[A-Z][a-z]+ )+Exception|"
    r"Out ?Of ?Memory ?Error|(?i:out of memory|segfault|segmentation fault|stack ?trace|tombstone))\b")
"""Engineers' names for a crash: Java/Kotlin exception classes (``NullPointerException``,
``IllegalStateException``, ``NPE``), out-of-memory (``OOM``, ``OutOfMemoryError``), native signals
(``SIGSEGV``, ``EXC_BAD_ACCESS``) and crash artefacts (stack trace, tombstone); also when the
identifiers were split into words first (``Null Pointer Exception``). Class names and acronyms
are matched case-sensitively, so "improve exception messages" is not a crash."""
FREEZE_TERMS = re.compile(r"\bANRs?\b|\b(?i:application not responding)\b")
"""Android's "application not responding": what a user calls a freeze."""
_GLOSSES = ((CRASH_TERMS, "crash", ("crash",)), (FREEZE_TERMS, "freezes", ("freez", "froze", "hang")))
"""(pattern, the user's word, stems that mean the text already says it)."""


def _append(word: str) -> Callable[[re.Match[str]], str]:
    """A replacement that keeps the match and adds `` (word)`` after it."""
    return lambda match: f"{match.group(0)} ({word})"


def gloss_engineering_terms(text: str) -> str:
    """``text`` with the user's word added after engineering jargon for a crash or a freeze.

    A user writes "the app crashes when I open my wallet", an engineer "NPE in WalletFragment";
    MiniLM does not know that an exception name means a crash. The first crash term gets
    " (crash)" after it and the first ANR " (freezes)", unless the text already uses that word,
    so a title that names the symptom is left as it is. Measured on the demo backlogs and the
    VLC tracker: see topics/link/README.md.

    Examples:
        >>> gloss_engineering_terms("NPE in WalletFragment.onResume")
        'NPE (crash) in WalletFragment.onResume'
        >>> gloss_engineering_terms("Crash: NullPointerException in player")
        'Crash: NullPointerException in player'
    """
    for pattern, word, stems in _GLOSSES:
        lowered = text.lower()
        if any(s in lowered for s in stems):
            continue
        text = pattern.sub(_append(word), text, count=1)
    return text


def split_title(text: str) -> tuple[str, str]:
    """``(title, body)`` of a tracker text: its first non-empty line and the rest.

    Tracker exports put the summary first; a text without a line break is all title.
    """
    stripped = text.strip()
    title, _, body = stripped.partition("\n")
    return title.strip(), body.strip()


def split_sentences(text: str, *, min_chars: int = 12) -> list[str]:
    """Sentences (or list items) of a review, short fragments merged into the previous one."""
    pieces = [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip()]
    merged: list[str] = []
    for piece in pieces:
        if merged and len(piece) < min_chars:
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged or [text.strip()]


def chunk_words(text: str, *, words: int, overlap: int = 0) -> list[str]:
    """Consecutive windows of ``words`` whitespace-separated words (the last one may be shorter)."""
    tokens = text.split()
    if not tokens:
        return []
    step = max(1, words - overlap)
    return [" ".join(tokens[i : i + words]) for i in range(0, max(1, len(tokens) - overlap), step)]
