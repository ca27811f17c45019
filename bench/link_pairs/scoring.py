"""Recall of score matrices against judged pairs, rank fusion recipes and pseudo-relevance feedback.

Everything here works on the ``(n_queries, n_items)`` matrices of :mod:`bench.link_pairs.signals`,
so a recipe is scored on every set without embedding anything again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from bench.link_pairs.sets import PairSet
from bench.link_pairs.signals import QUERY_HEADS
from topics.link.fusion import ranks

KS = (1, 5, 10, 50)
Signals = dict[str, np.ndarray]
Recipe = Callable[[Signals], np.ndarray]


def gold_index(pairs: PairSet) -> tuple[np.ndarray, np.ndarray]:
    """Row (query) and column (item) of every judged pair."""
    qpos = {q: i for i, q in enumerate(pairs.query_ids)}
    ipos = {r.item_id: j for j, r in enumerate(pairs.backlog)}
    rows = np.array([qpos[q] for q, _ in pairs.gold], dtype=np.int64)
    cols = np.array([ipos[i] for _, i in pairs.gold], dtype=np.int64)
    return rows, cols


def gold_ranks(scores: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """1-based rank of each judged item in its query's ranking (ties broken by item order, as ``top_k`` does)."""
    out = np.empty(len(rows), dtype=np.int64)
    for n, (q, j) in enumerate(zip(rows, cols, strict=True)):
        row, value = scores[q], scores[q, j]
        out[n] = int((row > value).sum() + (row[:j] == value).sum()) + 1
    return out


def recall(scores: np.ndarray, rows: np.ndarray, cols: np.ndarray, ks: Sequence[int] = KS) -> dict[int, float]:
    """Recall@k for each ``k``: the share of judged pairs ranked ``k`` or better."""
    found = gold_ranks(scores, rows, cols)
    return {k: float((found <= k).mean()) for k in ks}


def rrf(signals: Signals, names: Sequence[str], weights: Sequence[float] | None = None, k: int = 60) -> np.ndarray:
    """Weighted reciprocal rank fusion: ``sum_s w_s / (k + rank_s)`` with 1-based ranks."""
    weights = weights or [1.0] * len(names)
    fused = np.zeros(signals[names[0]].shape, dtype=np.float64)
    for name, weight in zip(names, weights, strict=True):
        fused += weight / (k + ranks(signals[name]) + 1.0)
    return fused


def with_prf(signals: Signals, base: np.ndarray, top: int, beta: float) -> Signals:
    """Signals with the dense query vectors moved toward the mean text vector of ``base``'s ``top`` items.

    Rocchio-style pseudo-relevance feedback: ``q' = q + beta * mean(top items)``, renormalized;
    ``dense_title`` and ``dense_text`` are recomputed with ``q'``, the other signals are kept.
    """
    best = np.argsort(-base, axis=1, kind="stable")[:, :top]
    centroid = signals["vec_text"][best].mean(axis=1)
    query = signals["vec_query"] + beta * centroid
    query /= np.linalg.norm(query, axis=1, keepdims=True)
    out = dict(signals)
    out["dense_title"] = query @ signals["vec_title"].T
    out["dense_text"] = query @ signals["vec_text"].T
    return out


def zfuse(signals: Signals, names: Sequence[str], weights: Sequence[float]) -> np.ndarray:
    """Weighted sum of per-query z-scores (each signal centred and scaled over the items of the query)."""
    fused = np.zeros(signals[names[0]].shape, dtype=np.float64)
    for name, weight in zip(names, weights, strict=True):
        x = signals[name].astype(np.float64)
        fused += weight * (x - x.mean(axis=1, keepdims=True)) / (x.std(axis=1, keepdims=True) + 1e-9)
    return fused


def multi_vector(signals: Signals) -> np.ndarray:
    """Best of the title vector and the title-prefixed body chunks (max-sim over the item's vectors)."""
    return np.maximum(signals["dense_title"], signals["dense_chunks"])


HYBRID = ("dense_title", "dense_chunks", "bm25_text")


def recipes() -> dict[str, Recipe]:
    """Named ways of scoring, from the baselines to the fused options."""
    out: dict[str, Recipe] = {
        "plain title cosine": lambda s: s["plain_title"],
        "plain title+body cosine": lambda s: s["plain_text"],
        "closedloop link before (dense_title alone)": lambda s: s["production_before"],
        "closedloop link now (production run)": lambda s: s["production"],
    }
    for name in ("dense_title", "dense_text", "dense_chunks", "bm25_text", "bm25_title", "bm25_title2_body",
                 "bm25_text_meta", "bm25_body400"):
        out[name] = lambda s, n=name: s[n]
    out["multi-vector max(title, chunks)"] = multi_vector
    combos = [("dense_title", "dense_text"), ("dense_title", "dense_chunks"), ("dense_title", "bm25_text"),
              ("dense_title", "bm25_title2_body"), ("dense_text", "bm25_text"), HYBRID,
              ("dense_title", "dense_text", "bm25_text"), ("dense_title", "dense_text", "dense_chunks", "bm25_text"),
              ("dense_title", "dense_chunks", "bm25_title2_body"), ("dense_title", "dense_chunks", "bm25_text_meta")]
    for names in combos:
        out["rrf " + " + ".join(names)] = lambda s, n=names: rrf(s, n)
    return out


def tuned_families() -> dict[str, dict[str, Recipe]]:
    """Options with a constant to choose: each maps the constant's value (as text) to a recipe."""
    families: dict[str, dict[str, Recipe]] = {}
    families["rrf hybrid, bm25 weight w"] = {
        str(w): (lambda s, w=w: rrf(s, HYBRID, [1.0, 1.0, w])) for w in (0.25, 0.5, 1.0, 1.5, 2.0, 3.0)}
    families["bm25_text, query cut to n words"] = {
        str(n): (lambda s, n=n: s[f"bm25_text_q{n}"]) for n in QUERY_HEADS} | {"all": lambda s: s["bm25_text"]}
    families["rrf dense_title + bm25_text, bm25 weight w"] = {
        str(w): (lambda s, w=w: rrf(s, ("dense_title", "bm25_text"), [1.0, w])) for w in (0.25, 0.5, 1.0, 2.0)}
    families["rrf dense_title + bm25_text(query cut to n words)"] = {
        str(n): (lambda s, n=n: rrf(s, ("dense_title", f"bm25_text_q{n}"))) for n in QUERY_HEADS}
    cheap = ("dense_title", "bm25_text")
    families["rrf dense_title + bm25_text (the default), rrf k"] = {
        str(k): (lambda s, k=k: rrf(s, cheap, k=k)) for k in (1, 2, 5, 10, 20, 60)}
    for k in (5, 20):
        families[f"rrf dense_title + bm25_text (k={k}), bm25 weight w"] = {
            str(w): (lambda s, w=w, k=k: rrf(s, cheap, [1.0, w], k=k)) for w in (0.25, 0.5, 1.0)}
    families["z-score sum dense_title + w * bm25_text"] = {
        str(w): (lambda s, w=w: zfuse(s, cheap, [1.0, w])) for w in (0.1, 0.2, 0.3, 0.5, 1.0)}
    families["z-score sum dense_title + dense_text + w * bm25_text"] = {
        str(w): (lambda s, w=w: zfuse(s, ("dense_title", "dense_text", "bm25_text"), [1.0, 1.0, w]))
        for w in (0.1, 0.2, 0.3, 0.5, 1.0)}
    families["rrf dense_title + dense_text + bm25_text, rrf k"] = {
        str(k): (lambda s, k=k: rrf(s, ("dense_title", "dense_text", "bm25_text"), k=k)) for k in (2, 5, 10, 20, 60)}
    families["rrf hybrid, rrf k"] = {str(k): (lambda s, k=k: rrf(s, HYBRID, k=k)) for k in (5, 20, 60, 200)}
    families["rrf hybrid + prf (top m, beta)"] = {
        f"{m},{b}": (lambda s, m=m, b=b: rrf(with_prf(s, rrf(s, HYBRID), m, b), HYBRID))
        for m in (3, 5) for b in (0.3, 0.6, 1.0)}
    return families
