"""Name accuracy of production theme names on the panel sets whose labels are names.

Fits the production defaults (``config_from_env()``) on CLINC150 test, HWU64 (all and the 3,000
sample) and Bitext from cached vectors, as ``closedloop topics evaluate`` and the pipeline do (theme
names embedded with the same model, the candidate phrase nearest the centroid wins), and prints per
set the name accuracy of these names (``Theme.label``, :mod:`topics.naming`) and, on the same fit,
of the keyword names they replaced (the first three keywords joined by " / ") and of the names
chosen from the texts alone (no embedding of names), with 10 sample names. Name accuracy is
``bench/topics_panel.py``'s: the share of all texts whose theme name embeds nearer to the name of
its theme's majority label than to any other label's name (unassigned texts count as misses).

Language lumps: on the multilingual sets (``--language-sets``, the panel's tickets-5lang and
tickets-en-de), the share of non-English texts that sit in a language-only theme: a theme whose
texts are at least 90 % one non-English language (detected language, as production reads it) while
English texts exist in the set. Target: under 10 %.

Usage: python bench/topics_names.py [--sets clinc150-test,hwu64,...] [--language-sets tickets-5lang,...]
                                    [--cache FILE] [--datasets DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from panel_data import DEFAULT_DATASETS, PANEL
from topics_panel import NAME_SETS, Vectors, name_accuracy

DEFAULT_CACHE = Path("/work/research/cache/panel_names.duckdb")


def keyword_names(result: Any) -> Any:
    """The same fit with the keyword names of before (three keywords joined)."""
    from topics.fit import short_label

    themes = tuple(t.replace(label=short_label(t.keywords, 3)) for t in result.themes)
    return result.relabel({}, themes=themes)


def text_only_names(result: Any, texts: list[str]) -> Any:
    """The same fit with names chosen from the texts alone."""
    from topics.naming import Namer

    label = Namer(texts).name
    themes = tuple(t.replace(label=label(np.flatnonzero(result.assignments == t.theme_id), t.keywords))
                   if t.kind == "theme" else t for t in result.themes)
    return result.relabel({}, themes=themes)


def run(set_name: str, datasets: Path, workdir: Path, vectors: Vectors) -> dict[str, Any]:
    """Fit one set and measure both kinds of names."""
    spec = next(s for s in PANEL if s.name == set_name)
    texts, labels = spec.load(datasets, workdir, vectors.config.text.max_body_chars)
    matrix, languages = vectors.texts(texts)
    started = time.perf_counter()
    from topics.fit import fit_themes

    result = fit_themes(texts, matrix, vectors.config, languages=languages, embed_names=vectors.raw)
    seconds = time.perf_counter() - started
    phrases = name_accuracy(result, labels, vectors)
    keywords = name_accuracy(keyword_names(result), labels, vectors)
    text_only = name_accuracy(text_only_names(result, texts), labels, vectors)
    themes = [t for t in result.themes if getattr(t, "kind", "theme") == "theme"]
    step = max(1, len(themes) // 10)
    return {"texts": len(texts), "themes": len(themes), "fit_seconds": round(seconds, 1),
            "phrase": phrases["name_accuracy"], "keywords": keywords["name_accuracy"],
            "text_only": text_only["name_accuracy"],
            "samples": [(t.label, short_label_of(t)) for t in themes[::step][:10]]}


def short_label_of(theme: Any) -> str:
    """The keyword name of a theme."""
    from topics.fit import short_label

    return short_label(theme.keywords, 3)


def language_lumps(set_name: str, datasets: Path, workdir: Path, vectors: Vectors) -> dict[str, Any]:
    """Share of non-English texts in a theme that is >= 90 % one non-English language."""
    from collections import Counter

    from topics.fit import fit_themes

    spec = next(s for s in PANEL if s.name == set_name)
    texts, _ = spec.load(datasets, workdir, vectors.config.text.max_body_chars)
    matrix, languages = vectors.texts(texts)
    result = fit_themes(texts, matrix, vectors.config, languages=languages, embed_names=vectors.raw)
    per_theme: dict[int, Counter[str]] = {}
    for theme, language in zip(result.assignments.tolist(), languages, strict=True):
        per_theme.setdefault(int(theme), Counter())[language] += 1
    kinds = {t.theme_id: t.kind for t in result.themes}
    lumped = 0
    for theme, counts in per_theme.items():
        language, top = counts.most_common(1)[0]
        if kinds.get(theme) == "theme" and language not in ("en", "und") and top >= 0.9 * sum(counts.values()):
            lumped += top
    non_english = sum(1 for lang in languages if lang not in ("en", "und"))
    return {"texts": len(texts), "non_english": non_english, "lumped": lumped,
            "share": lumped / non_english if non_english else 0.0, "themes": result.n_themes,
            "low_information": result.low_information_count}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sets", default=",".join(n for n in NAME_SETS))
    parser.add_argument("--language-sets", default="tickets-5lang,tickets-en-de")
    parser.add_argument("--cache", default=str(DEFAULT_CACHE))
    parser.add_argument("--datasets", default=str(DEFAULT_DATASETS))
    parser.add_argument("--workdir", default="/tmp/closedloop-panel")
    args = parser.parse_args()
    from topics.config import config_from_env

    vectors = Vectors(config_from_env(), Path(args.cache))
    print("| set | texts | themes | keyword names | phrases, texts alone | phrases, nearest centroid | fit s |")
    print("|---|---|---|---|---|---|---|")
    samples: dict[str, list[tuple[str, str]]] = {}
    for name in filter(None, args.sets.split(",")):
        r = run(name, Path(args.datasets), Path(args.workdir), vectors)
        samples[name] = r["samples"]
        print(f"| {name} | {r['texts']:,} | {r['themes']} | {r['keywords']:.3f} | {r['text_only']:.3f} "
              f"| {r['phrase']:.3f} "
              f"| {r['fit_seconds']} |", flush=True)
    print("\n| set | texts | non-English | in a language-only theme | share | themes | low-information |")
    print("|---|---|---|---|---|---|---|")
    for name in filter(None, args.language_sets.split(",")):
        lumps = language_lumps(name, Path(args.datasets), Path(args.workdir), vectors)
        print(f"| {name} | {lumps['texts']:,} | {lumps['non_english']:,} | {lumps['lumped']:,} | "
              f"{lumps['share']:.1%} | {lumps['themes']} | {lumps['low_information']} |", flush=True)
    for name, pairs in samples.items():
        print(f"\n{name} (phrase name <- keyword name):")
        for phrase, keyword in pairs:
            print(f"  {phrase}  <-  {keyword}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
