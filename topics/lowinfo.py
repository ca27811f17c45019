"""Low-information text: texts that say nothing a theme could be made of.

Real review and ticket exports hold template strings repeated hundreds of times ("neutral",
"3 out of 5 i guess", a bot's canned transcript) and one-word texts. Clustered like other text, each
template becomes a "theme" of its own. These texts are set aside before clustering into one visible
bucket, the low-information theme (``Theme.kind == "low_information"``), which theme lists, spikes
and shares leave out and whose count is reported.

A text is low-information when, after normalising it (lower case, letters only, runs of three or more
of one letter shortened: "soooo good" reads "so good"):

- it has no content word (every word a function word, or no letters at all); or
- it is a single word ("mediocre"); or
- its normalised form is repeated in volume (at least ``template_min_count`` copies and
  ``template_min_share`` of all texts) and it has at most ``template_max_content_words`` content
  words (a short template), or the very same text (case and spacing aside) is repeated in heavy
  volume (``bulk_min_share`` of all texts, at least ``template_min_count`` copies) whatever its
  length (a canned transcript).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from topics.config import LowInfoConfig
from topics.naming import tokens
from topics.stopwords import STOP_WORDS

LOW_INFORMATION = "low_information"
"""``Theme.kind`` of the low-information bucket (``topics.themes.theme_kind``)."""
LOW_INFORMATION_LABEL = "Low-information text"
"""The bucket's name."""

_LEXICAL = frozenset("""
    bill call fire find show system thick thin cry computer describe detail empty fill front full give
    interest mill move name part put see seem serious side top bottom back found keep amount become come
    hundred sincere twelve twenty fifty forty sixty three two one four five six eight nine ten eleven
    first last next well where why how when who what
""".split())
_FUNCTION: frozenset[str] = frozenset().union(*STOP_WORDS.values()) - _LEXICAL
"""Function words: the stop-word lists without scikit-learn's words that carry meaning ("bill", "call")."""
_RUNS = re.compile(r"(\w)\1{2,}")
_DOUBLES = re.compile(r"(\w)\1+")


def normalise(text: str) -> str:
    """The form near duplicates share: lower-case words, letters only, letter runs shortened."""
    return " ".join(tokens(_RUNS.sub(r"\1", text.lower())))


def near_key(form: str) -> str:
    """The key near duplicates share: the normalised form with every doubled letter single ("soo" = "sooo")."""
    return _DOUBLES.sub(r"\1", form)


def content_words(words: Sequence[str]) -> list[str]:
    """The words that are not function words (articles, pronouns, auxiliaries, prepositions)."""
    return [w for w in words if w not in _FUNCTION and len(w) > 1]


def low_information_mask(texts: Sequence[str], config: LowInfoConfig | None = None) -> np.ndarray:
    """True for each text that is low-information (see the module's description).

    Args:
        texts: The texts, as fitted.
        config: Thresholds; default: production's.
    """
    config = config or LowInfoConfig()
    mask = np.zeros(len(texts), dtype=bool)
    if not config.enabled or not texts:
        return mask
    forms = [normalise(t) for t in texts]
    keys = [near_key(f) for f in forms]
    counts = Counter(keys)
    exact = [" ".join(t.lower().split()) for t in texts]
    exact_counts = Counter(exact)
    n = len(texts)
    repeated = max(config.template_min_count, config.template_min_share * n)
    bulk = max(config.template_min_count, config.bulk_min_share * n)
    for i, form in enumerate(forms):
        words = form.split()
        content = content_words(words)
        copies = counts[keys[i]]
        mask[i] = (not content or len(words) <= 1
                   or (copies >= repeated and len(content) <= config.template_max_content_words)
                   or exact_counts[exact[i]] >= bulk)
    return mask


def top_templates(texts: Sequence[str], mask: np.ndarray, n: int = 10) -> tuple[str, ...]:
    """The most frequent normalised forms among the low-information texts (the bucket's keywords)."""
    counts = Counter(normalise(texts[i]) or "(no words)" for i in np.flatnonzero(mask).tolist())
    return tuple(form for form, _ in counts.most_common(n))
