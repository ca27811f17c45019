"""The panel's methods and tables (run by bench/topics_eval.py): theme discovery on many labelled corpora.

For every set (bench/panel_data.py: CLINC150 test and train in-scope, Bitext, HWU64 all and a 3,000
sample, StackOverflow all and a 5,000 sample, the multilingual tickets with label = queue, the
generated demo with label = planted theme) and on the SAME cached vectors in one run:

- ``production``: ``topics.fit.fit_themes`` with ``config_from_env()`` (the shipped defaults);
- ``bertopic``: a default ``BERTopic()`` given the precomputed embeddings (its UMAP seeded: the
  default UMAP settings with ``random_state=42``);
- ``kmeans-k``: KMeans on the unit vectors told the true number of labels.

Columns: texts, true labels, themes found, ratio found/true, outlier share, NMI, ARI, fit seconds.

Tripling: each set is also fitted on seeded one-third samples (``THIRDS`` of them for production, the
first for BERTopic); the multiplier is themes(all) / themes(third), reported for the third farthest
from 1 on a log scale, with every third's multiplier beside it.

Name accuracy (production themes, ``Theme.label``): the share of ALL texts whose theme's name
embeds (same model, same cache) nearer by cosine to the name of that theme's majority label than to
any other label's name; labels are read as words (``card_arrival`` -> "card arrival"); texts left
unassigned count as misses. ``name_accuracy_assigned`` is the same share among assigned texts only.

Vectors are cached in a DuckDB file outside the repository (``--cache``); nothing is embedded twice.
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from panel_data import PanelSet

NAME_SETS = ("clinc150-test", "hwu64", "hwu64-3k", "bitext")
"""Sets whose labels are names a theme name can be compared to."""
METHODS = ("production", "bertopic", "kmeans-k")


class Vectors:
    """The embed step of production (glossary inputs, cached MiniLM vectors), shared by every method."""

    def __init__(self, config: Any, cache_path: Path) -> None:
        from topics.embed import EmbeddingCache, make_embedder

        self.config = config
        self.cache = EmbeddingCache(cache_path)
        self.embedder = make_embedder(config.embed, threads=config.threads, cache_dir=cache_path.parent)
        self.embedded = 0

    def texts(self, texts: list[str]) -> tuple[np.ndarray, list[str]]:
        """Vectors and languages of ticket texts, exactly as production embeds them."""
        from topics.evaluate import embed_texts

        embedded = embed_texts(texts, self.config, self.cache)
        self.embedded += embedded.embedded
        return embedded.vectors, embedded.languages

    def raw(self, texts: list[str]) -> np.ndarray:
        """Vectors of texts embedded as they are (theme and label names)."""
        cached = self.cache.embed(self.embedder, texts)
        self.embedded += cached.embedded
        return cached.vectors


def _scores(labels: list[str], found: np.ndarray, n_themes: int, seconds: float) -> dict[str, Any]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    n_labels = len(set(labels))
    return {"themes": n_themes, "ratio": round(n_themes / n_labels, 3),
            "outlier_share": round(float(np.mean(found == -1)), 4),
            "nmi": round(float(normalized_mutual_info_score(labels, found)), 4),
            "ari": round(float(adjusted_rand_score(labels, found)), 4),
            "fit_seconds": round(seconds, 2)}


def fit_production(texts: list[str], vectors: np.ndarray, languages: list[str], config: Any,
                   embed_names: Any = None) -> Any:
    """Production's fit on known vectors (the embed->fit recipe of ``closedloop topics evaluate``).

    ``embed_names`` (``Vectors.raw``) lets the names be chosen by closeness to the centroids, as
    ``closedloop topics evaluate`` and the pipeline do.
    """
    from topics.fit import fit_themes

    return fit_themes(texts, vectors, config, languages=languages, embed_names=embed_names)


def fit_bertopic(texts: list[str], vectors: np.ndarray, threads: int, seed: int) -> tuple[np.ndarray, float]:
    """A default BERTopic() on the given embeddings, its UMAP seeded (BERTopic's own UMAP settings)."""
    from bertopic import BERTopic
    from umap import UMAP

    from topics.threads import limit_threads

    umap_model = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", low_memory=False,
                      random_state=seed)
    with limit_threads(threads):
        started = time.perf_counter()
        found, _ = BERTopic(umap_model=umap_model).fit_transform(texts, embeddings=vectors)
        seconds = time.perf_counter() - started
    return np.asarray(found), seconds


def fit_kmeans(vectors: np.ndarray, k: int, threads: int, seed: int) -> tuple[np.ndarray, float]:
    """KMeans on the unit vectors, told the true number of labels."""
    from sklearn.cluster import KMeans

    from topics.threads import limit_threads

    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    with limit_threads(threads):
        started = time.perf_counter()
        found = KMeans(n_clusters=k, n_init=1, random_state=seed).fit_predict(unit)
        seconds = time.perf_counter() - started
    return np.asarray(found), seconds


def _unit(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


def name_accuracy(result: Any, labels: list[str], vectors: Vectors) -> dict[str, Any]:
    """Share of texts whose theme name embeds nearest to the name of its theme's majority label."""
    names = sorted(set(labels))
    label_vectors = _unit(vectors.raw([n.replace("_", " ") for n in names]))
    themes = list(result.themes)
    theme_vectors = _unit(vectors.raw([t.label for t in themes]))
    assignments = np.asarray(result.assignments)
    hits = 0
    examples: list[dict[str, str]] = []
    for theme, vector in zip(themes, theme_vectors, strict=True):
        members = [labels[i] for i in np.flatnonzero(assignments == theme.theme_id)]
        if not members:
            continue
        majority = Counter(members).most_common(1)[0][0]
        nearest = names[int(np.argmax(label_vectors @ vector))]
        if nearest == majority:
            hits += len(members)
        if len(examples) < 8:
            examples.append({"name": theme.label, "majority": majority, "nearest": nearest})
    assigned = int(np.sum(assignments != -1))
    return {"name_accuracy": round(hits / len(labels), 4),
            "name_accuracy_assigned": round(hits / assigned, 4) if assigned else 0.0,
            "examples": examples}


THIRDS = 3
"""Seeded thirds per set: one third's multiplier is a draw (HWU64 3,000: 0.71-1.33 over five seeds)."""


def third_seeds(seed: int, count: int = THIRDS) -> list[int]:
    """The seeds of the thirds of a set: the configured seed, then the next ones."""
    return [seed + i for i in range(count)]


def farthest(multipliers: list[float]) -> float:
    """The multiplier farthest from 1 on a log scale (the worst case either way)."""
    return max(multipliers, key=lambda m: abs(math.log(m)))


def third(texts: list[str], vectors: np.ndarray, languages: list[str], seed: int
          ) -> tuple[list[str], np.ndarray, list[str]]:
    """A seeded one-third random sample of a set."""
    keep = sorted(random.Random(seed).sample(range(len(texts)), max(1, len(texts) // 3)))
    return [texts[i] for i in keep], vectors[keep], [languages[i] for i in keep]


def run_set(spec: PanelSet, datasets: Path, workdir: Path, config: Any, vectors: Vectors,
            bertopic: bool, tripling: bool,
            also: Callable[[list[str], np.ndarray, list[str], list[str]], None] | None = None,
            thirds: int = THIRDS) -> dict[str, Any]:
    """Every method, the tripling fits and (for named sets) name accuracy on one set.

    ``also`` is called with the set's texts, vectors, languages and labels (the leave-one-dataset-out sweep).
    """
    texts, labels = spec.load(datasets, workdir, config.text.max_body_chars)
    started = time.perf_counter()
    embedded_before = vectors.embedded
    matrix, languages = vectors.texts(texts)
    if also is not None:
        also(texts, matrix, languages, labels)
    entry: dict[str, Any] = {"texts": len(texts), "labels": len(set(labels)),
                             "embed_seconds": round(time.perf_counter() - started, 1)}
    say = lambda what: print(f"{spec.name}: {what} ...", file=sys.stderr, flush=True)  # noqa: E731
    say("production")
    result = fit_production(texts, matrix, languages, config, vectors.raw)
    entry["production"] = _scores(labels, np.asarray(result.assignments), result.n_themes, result.fit_seconds)
    entry["production"]["weak_structure"] = result.weak_structure
    if spec.name in NAME_SETS:
        entry["production"].update(name_accuracy(result, labels, vectors))
    if bertopic:
        say("BERTopic()")
        found, seconds = fit_bertopic(texts, matrix, config.threads, config.seed)
        entry["bertopic"] = _scores(labels, found, len(set(found.tolist()) - {-1}), seconds)
    say("KMeans told k")
    found, seconds = fit_kmeans(matrix, len(set(labels)), config.threads, config.seed)
    entry["kmeans-k"] = _scores(labels, found, len(set(found.tolist())), seconds)
    if tripling:
        counts = []
        for i, seed in enumerate(third_seeds(config.seed, thirds)):
            t_texts, t_vectors, t_langs = third(texts, matrix, languages, seed)
            say(f"production on a third ({i + 1} of {thirds})")
            counts.append(fit_production(t_texts, t_vectors, t_langs, config, vectors.raw).n_themes)
        entry["tripling"] = {"production": _multipliers(counts, result.n_themes)}
        if bertopic:
            t_texts, t_vectors, t_langs = third(texts, matrix, languages, config.seed)
            say("BERTopic() on a third")
            found, _ = fit_bertopic(t_texts, t_vectors, config.threads, config.seed)
            entry["tripling"]["bertopic"] = _multiplier(len(set(found.tolist()) - {-1}),
                                                        entry["bertopic"]["themes"])
    entry["embedded"] = vectors.embedded - embedded_before
    entry["seconds"] = round(time.perf_counter() - started, 1)
    return entry


def _multiplier(n_third: int, n_all: int) -> dict[str, Any]:
    return {"third": n_third, "all": n_all, "multiplier": round(n_all / n_third, 3) if n_third else None}


def _multipliers(n_thirds: list[int], n_all: int) -> dict[str, Any]:
    """The tripling of several thirds: the one farthest from 1 as ``multiplier``, all of them beside it."""
    each = [round(n_all / n, 3) for n in n_thirds if n]
    if not each:
        return {"third": None, "all": n_all, "multiplier": None}
    worst = farthest(each)
    return {"third": n_thirds[each.index(worst)], "all": n_all, "multiplier": worst,
            "thirds": n_thirds, "multipliers": each}


def _from_one(value: float) -> float:
    return abs(value - 1.0)


def summary(results: dict[str, dict[str, Any]]) -> dict[str, dict[str, dict[str, float]]]:
    """Mean and worst case of each column per method (worst ratio: farthest from 1 on a log scale)."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for method in METHODS:
        rows = [entry[method] for entry in results.values() if method in entry]
        if not rows:
            continue
        cols: dict[str, dict[str, float]] = {}
        for col in ("ratio", "outlier_share", "nmi", "ari", "fit_seconds"):
            values = [float(r[col]) for r in rows]
            if col == "ratio":
                worst = max(values, key=lambda v: abs(math.log(v)) if v > 0 else math.inf)
            elif col in ("outlier_share", "fit_seconds"):
                worst = max(values)
            else:
                worst = min(values)
            cols[col] = {"mean": round(sum(values) / len(values), 4), "worst": round(worst, 4)}
        out[method] = cols
    for method in ("production", "bertopic"):
        multipliers = [float(e["tripling"][method]["multiplier"]) for e in results.values()
                       if method in e.get("tripling", {}) and e["tripling"][method]["multiplier"] is not None]
        if multipliers:
            farthest: float = max(multipliers, key=_from_one)
            out.setdefault(method, {})["tripling"] = {
                "mean": round(sum(multipliers) / len(multipliers), 3), "worst": round(farthest, 3)}
    names = [e["production"]["name_accuracy"] for e in results.values() if "name_accuracy" in e["production"]]
    if names:
        out["production"]["name_accuracy"] = {"mean": round(sum(names) / len(names), 4),
                                              "worst": round(min(names), 4)}
    return out


def print_table(results: dict[str, dict[str, Any]], stats: dict[str, dict[str, dict[str, float]]]) -> None:
    """The panel as a plain-text table, then mean and worst case per column."""
    header = (f"{'set':17s} {'method':10s} {'texts':>6s} {'labels':>6s} {'themes':>6s} {'ratio':>6s} "
              f"{'outl.':>6s} {'NMI':>6s} {'ARI':>6s} {'fit s':>6s} {'x3':>5s} {'name':>5s}")
    print(header)
    print("-" * len(header))
    for name, entry in results.items():
        for method in METHODS:
            if method not in entry:
                continue
            r = entry[method]
            trip = entry.get("tripling", {}).get(method, {}).get("multiplier")
            acc = r.get("name_accuracy")
            print(f"{name:17s} {method:10s} {entry['texts']:6d} {entry['labels']:6d} {r['themes']:6d} "
                  f"{r['ratio']:6.2f} {100 * r['outlier_share']:5.1f}% {r['nmi']:6.3f} {r['ari']:6.3f} "
                  f"{r['fit_seconds']:6.1f} {'' if trip is None else f'{trip:5.2f}':>5s} "
                  f"{'' if acc is None else f'{acc:5.2f}':>5s}")
    print()
    for method, cols in stats.items():
        for kind in ("mean", "worst"):
            cells = "  ".join(f"{col} {v[kind]:.3f}" for col, v in cols.items())
            print(f"{method:10s} {kind:5s}  {cells}")


def markdown(results: dict[str, dict[str, Any]], stats: dict[str, dict[str, dict[str, float]]]) -> str:
    """The panel as the Markdown table of topics/README.md ("Panel"), then mean and worst case per method."""
    lines = ["| set | texts | labels | method | themes | found/true | outliers | NMI | ARI | fit s | x3 |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, entry in results.items():
        for method in METHODS:
            if method not in entry:
                continue
            r = entry[method]
            trip = entry.get("tripling", {}).get(method, {})
            x3 = f"{trip['multiplier']:.2f} ({trip['third']}→{trip['all']})" if trip.get("multiplier") else ""
            if len(trip.get("multipliers", [])) > 1:
                x3 += f"; {min(trip['multipliers']):.2f}-{max(trip['multipliers']):.2f}"
            weak = " (weak)" if r.get("weak_structure") else ""
            lines.append(f"| {name} | {entry['texts']:,} | {entry['labels']} | {method} | {r['themes']}{weak} | "
                         f"{r['ratio']:.2f} | {100 * r['outlier_share']:.1f} % | {r['nmi']:.3f} | {r['ari']:.3f} | "
                         f"{r['fit_seconds']:.1f} | {x3} |")
    lines += ["", "| method | | found/true | outliers | NMI | ARI | fit s | x3 | name accuracy |",
              "|---|---|---|---|---|---|---|---|---|"]
    for method, cols in stats.items():
        for kind in ("mean", "worst"):
            cell = {col: v[kind] for col, v in cols.items()}
            lines.append(f"| {method} | {kind} | {cell['ratio']:.2f} | {100 * cell['outlier_share']:.1f} % | "
                         f"{cell['nmi']:.3f} | {cell['ari']:.3f} | {cell['fit_seconds']:.1f} | "
                         + (f"{cell['tripling']:.2f}" if "tripling" in cell else "") + " | "
                         + (f"{cell['name_accuracy']:.3f}" if "name_accuracy" in cell else "") + " |")
    return "\n".join(lines)
