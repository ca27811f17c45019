"""Theme names a product manager would write: a short phrase taken from the theme's own texts.

Candidates are the word n-grams (1 to ``LabelConfig.name_max_words``, 4, words) of a theme's texts
that neither start nor end with a stop word, a filler verb ("got", "takes") or a brand term (a word
in at least ``LabelConfig.brand_share``, half, of the informative texts: the company's or the app's
name). Each candidate is scored by how well it separates the theme from the rest:
``p_in * log(1 + p_in / p_out)``, ``p_in`` and ``p_out`` the shares of texts inside and outside the
theme that hold it.

From the texts alone (:meth:`Namer.name`), the name is the theme's most frequent phrase holding its
two best separating words, else the best candidate with a bonus per extra word. When the fit can
embed phrases as it embedded the texts (:meth:`Namer.name_all`), that name and the ten best
separating candidates compete: the winner is nearest the theme's centroid, less half its cosine to
the nearest other theme's centroid (a name that fits a sibling theme as well says less). Measured in
``bench/topics_names.py`` (name accuracy, see ``topics/README.md``). A theme without any candidate is
named after its top keyword, else the start of its most central text; never "(no keywords)".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

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


def _is_edge(word: str, stop: frozenset[str], brands: frozenset[str]) -> bool:
    return word in stop or word in FILLER_WORDS or word in brands or len(word) < 2


def candidates(words: Sequence[str], max_words: int, stop: frozenset[str], brands: frozenset[str]) -> set[str]:
    """The n-grams of one text that may name a theme."""
    found: set[str] = set()
    for i, first in enumerate(words):
        if _is_edge(first, stop, brands):
            continue
        for n in range(1, max_words + 1):
            if i + n > len(words):
                break
            last = words[i + n - 1]
            if _is_edge(last, stop, brands):
                continue
            gram = words[i:i + n]
            if all(w in brands or w in stop or w in FILLER_WORDS for w in gram):
                continue
            found.add(" ".join(gram))
    return found


class Namer:
    """Names themes from the texts of one fit (document frequencies are counted once)."""

    def __init__(self, texts: Sequence[str], *, max_words: int = 4, brand_share: float = 0.5,
                 phrase_bonus: float = 2.0, join_words: int = 2, stop: Iterable[str] = (),
                 informative: np.ndarray | None = None) -> None:
        """Count every text's candidate phrases.

        Args:
            texts: All texts of the fit (the name is chosen against all of them).
            max_words: Longest phrase considered.
            brand_share: Document-frequency share above which a word is a brand term.
            phrase_bonus: Score bonus per word beyond the first.
            join_words: The name is the theme's most frequent phrase holding its this many best
                separating words, when one exists.
            stop: Extra stop words (the languages' lists are always used).
            informative: Mask of the texts frequencies are counted over (default all; the fit leaves
                the low-information texts out, so templates do not dilute a brand's share).
        """
        self.stop = _ALL_STOP | frozenset(stop)
        counted = np.ones(len(texts), dtype=bool) if informative is None else np.asarray(informative, dtype=bool)
        self.brands = brand_terms([t for t, keep in zip(texts, counted, strict=True) if keep], brand_share)
        self.phrase_bonus = phrase_bonus
        self.join_words = join_words
        self.per_text = [candidates(tokens(t), max_words, self.stop, self.brands) for t in texts]
        self.df: Counter[str] = Counter()
        for grams, keep in zip(self.per_text, counted, strict=True):
            if keep:
                self.df.update(grams)
        self.n = int(counted.sum())

    def scores(self, members: np.ndarray) -> tuple[dict[str, float], Counter[str]]:
        """Separation score of each candidate phrase of a theme, and how many of its texts hold it."""
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
        return scores, inside

    def name(self, members: np.ndarray, keywords: Sequence[str] = (), central: str = "") -> str:
        """The name of the theme holding the texts at ``members`` (indices into the fitted texts), from text alone."""
        scores, inside = self.scores(members)
        best = _joined_phrase(scores, inside, self.brands, self.join_words) or max(
            scores, key=lambda g: scores[g] * (1 + self.phrase_bonus * g.count(" ")), default="")
        if not best:
            best = next((k for k in keywords if k.split()[0] not in self.brands), "") or _opening(central)
        return _capitalise(best) if best else "Unnamed theme"

    def name_all(self, members: Sequence[np.ndarray], centroids: np.ndarray, keywords: Sequence[Sequence[str]],
                 centrals: Sequence[str], embed: Callable[[list[str]], np.ndarray] | None = None,
                 n_candidates: int = 10, word_bonus: float = 0.0, contrast: float = 0.5) -> list[str]:
        """Names of several themes; with ``embed``, each theme's candidate nearest its centroid.

        Args:
            members: Per theme, the indices of its texts.
            centroids: Per theme, its unit centroid (same space as ``embed``'s vectors).
            keywords: Per theme, its keywords (a fallback name).
            centrals: Per theme, its most central text (the last fallback).
            embed: Embeds phrases as the texts were embedded; None names from text alone (:meth:`name`).
            n_candidates: Best-separating phrases per theme that compete on closeness to the centroid
                (the text-alone name always competes too).
            word_bonus: Cosine bonus per word beyond the first.
            contrast: Weight of the candidate's highest cosine to any other theme's centroid, subtracted
                (a name close to a sibling theme too says less).
        """
        names = [self.name(m, k, c) for m, k, c in zip(members, keywords, centrals, strict=True)]
        if embed is None:
            return names
        pools: list[list[str]] = []
        for m, name in zip(members, names, strict=True):
            scores, _ = self.scores(m)
            pool = sorted(scores, key=lambda g: -scores[g])[:n_candidates]
            pools.append(list(dict.fromkeys([name.lower(), *pool])))
        flat = [g for pool in pools for g in pool]
        if not flat:
            return names
        vectors = np.asarray(embed(flat), dtype=np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        out: list[str] = []
        at = 0
        for theme, pool in enumerate(pools):
            cosines = vectors[at:at + len(pool)] @ centroids.T
            own = cosines[:, theme].copy()
            cosines[:, theme] = -1.0
            other = cosines.max(axis=1) if cosines.shape[1] > 1 else np.zeros(len(pool))
            fit = own - contrast * other + word_bonus * np.array([g.count(" ") for g in pool])
            at += len(pool)
            out.append(_capitalise(pool[int(np.argmax(fit))]))
        return out


def _joined_phrase(scores: dict[str, float], inside: Counter[str], brands: frozenset[str], n_words: int) -> str:
    """The most frequent phrase of the theme that holds its ``n_words`` best separating words."""
    words = sorted((g for g in scores if " " not in g and g not in brands), key=lambda g: -scores[g])[:n_words]
    holding = [g for g in scores if " " in g and all(w in g.split() for w in words)]
    return max(holding, key=lambda g: (inside[g], -len(g))) if len(words) > 1 and holding else ""


def _opening(text: str, max_words: int = 5) -> str:
    words = text.split()
    return " ".join(words[:max_words])


def _capitalise(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]
