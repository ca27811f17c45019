"""Theme names a product manager would write: a short phrase taken from the theme's own texts.

Candidates are the word n-grams (1 to ``LabelConfig.name_max_words`` words) of a theme's texts
that neither start nor end with a stop word or a filler verb ("got", "takes") and are not made only
of brand terms (words present in at least ``LabelConfig.brand_share`` of all texts). Each candidate
is scored by how many of the theme's texts hold it and how well it separates the theme from the
rest: ``p_in * log(1 + p_in / p_out)``, where ``p_in`` and ``p_out`` are the shares of texts inside
and outside the theme that contain it, times a small bonus per extra word (a phrase says more than a
word). The best candidate, its first letter capitalised, is the name. A theme whose texts have no
candidate is named after its top keyword, else after the start of its most central text; never
"(no keywords)".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from topics.stopwords import STOP_WORDS

FILLER_WORDS: frozenset[str] = frozenset("""
    got get gets getting gotten take takes took taking taken make makes made making did does doing done
    want wants wanted need needs needed please thanks thank hi hello hey dear regards tell told know
    say said let lets like just really still also even ok okay yes yeah im ive dont cant wont didnt
    doesnt isnt thing things something anything way lot lots able try tried trying use used using
    one two three go going went come came would could should might must may will shall can
""".split())
"""Verbs and words that carry no topic; a name never starts or ends with one."""

_TOKEN = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_ALL_STOP: frozenset[str] = frozenset().union(*STOP_WORDS.values())


def tokens(text: str) -> list[str]:
    """Lower-case word tokens (letters first; apostrophes and hyphens kept inside a word)."""
    return [t.strip("'’-") for t in _TOKEN.findall(text.lower())]


def brand_terms(texts: Sequence[str], share: float, min_texts: int = 50) -> frozenset[str]:
    """Content words present in at least ``share`` of the texts (the company's or the app's name).

    Args:
        texts: All texts of the fit.
        share: Least document frequency, as a share of the texts, for a word to count as a brand term.
        min_texts: Fewer texts than this: no brand terms (shares of tiny samples mean nothing).
    """
    if len(texts) < min_texts:
        return frozenset()
    df: Counter[str] = Counter()
    for text in texts:
        df.update(set(tokens(text)))
    floor = share * len(texts)
    return frozenset(w for w, n in df.items() if n >= floor and w not in _ALL_STOP and len(w) > 1)


def _is_edge(word: str, stop: frozenset[str]) -> bool:
    return word in stop or word in FILLER_WORDS or len(word) < 2


def candidates(words: Sequence[str], max_words: int, stop: frozenset[str], brands: frozenset[str]) -> set[str]:
    """The n-grams of one text that may name a theme."""
    found: set[str] = set()
    for i, first in enumerate(words):
        if _is_edge(first, stop):
            continue
        for n in range(1, max_words + 1):
            if i + n > len(words):
                break
            last = words[i + n - 1]
            if _is_edge(last, stop):
                continue
            gram = words[i:i + n]
            if all(w in brands or w in stop or w in FILLER_WORDS for w in gram):
                continue
            found.add(" ".join(gram))
    return found


class Namer:
    """Names themes from the texts of one fit (document frequencies are counted once)."""

    def __init__(self, texts: Sequence[str], *, max_words: int = 4, brand_share: float = 0.3,
                 phrase_bonus: float = 2.0, join_words: int = 2, stop: Iterable[str] = ()) -> None:
        """Count every text's candidate phrases.

        Args:
            texts: All texts of the fit (the name is chosen against all of them).
            max_words: Longest phrase considered.
            brand_share: Document-frequency share above which a word is a brand term.
            phrase_bonus: Score bonus per word beyond the first.
            join_words: The name is the theme's most frequent phrase holding its this many best
                separating words, when one exists.
            stop: Extra stop words (the languages' lists are always used).
        """
        self.stop = _ALL_STOP | frozenset(stop)
        self.brands = brand_terms(texts, brand_share)
        self.phrase_bonus = phrase_bonus
        self.join_words = join_words
        self.per_text = [candidates(tokens(t), max_words, self.stop, self.brands) for t in texts]
        self.df: Counter[str] = Counter()
        for grams in self.per_text:
            self.df.update(grams)
        self.n = len(texts)

    def name(self, members: np.ndarray, keywords: Sequence[str] = (), central: str = "") -> str:
        """The name of the theme holding the texts at ``members`` (indices into the fitted texts)."""
        inside: Counter[str] = Counter()
        for i in members:
            inside.update(self.per_text[int(i)])
        m = max(1, len(members))
        scores: dict[str, float] = {}
        for gram, k in inside.items():
            if k < 2 and m > 2:
                continue
            p_in = k / m
            p_out = (self.df[gram] - k + 1) / max(1, self.n - m + 1)
            scores[gram] = p_in * math.log1p(p_in / p_out)
        best = _joined_phrase(scores, inside, self.brands, self.join_words) or max(
            scores, key=lambda g: scores[g] * (1 + self.phrase_bonus * g.count(" ")), default="")
        if not best:
            best = next((k for k in keywords if k.split()[0] not in self.brands), "") or _opening(central)
        return _capitalise(best) if best else "Unnamed theme"


def _joined_phrase(scores: dict[str, float], inside: Counter[str], brands: frozenset[str], n_words: int) -> str:
    """The most frequent phrase of the theme that holds its ``n_words`` best separating words."""
    words = sorted((g for g in scores if " " not in g and g not in brands), key=lambda g: -scores[g])[:n_words]
    for wanted in _CASCADE(words):
        holding = [g for g in scores if " " in g and all(w in g.split() for w in wanted)]
        if wanted and holding:
            return max(holding, key=lambda g: (inside[g], -len(g)))
    return ""


def _CASCADE(words):
    return (words,)


def _opening(text: str, max_words: int = 5) -> str:
    words = text.split()
    return " ".join(words[:max_words])


def _capitalise(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]
