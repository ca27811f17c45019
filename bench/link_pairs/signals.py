"""Score matrices of every retrieval signal on one pair set, embedded once through a cache.

Every dense signal comes from :class:`topics.link.Matcher` (the production code) with the
``closedloop link`` embedder (int8 MiniLM unless ``CLOSEDLOOP_LINK_INT8=0``), so the vectors of the
baselines, of the production run and of the options are the same vectors of the same run. The
matrices are kept in an ``.npz`` next to the cache, so re-scoring fusion options embeds nothing.
"""

from __future__ import annotations

import csv
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.link_pairs.sets import PairSet
from topics.embed import Embedder, EmbeddingCache
from topics.link import BacklogItem, BM25Index, MatchConfig, Matcher
from topics.link.files import link_files

DENSE = ("dense_title", "dense_text", "dense_chunks")
CHUNK_WORDS = 60
MAX_CHUNKS = 3


def _items(pairs: PairSet) -> list[BacklogItem]:
    return [BacklogItem(r.item_id, r.title, r.body) for r in pairs.backlog]


def production_scores(pairs: PairSet, embedder: Embedder, cache: EmbeddingCache, k: int,
                      config: MatchConfig | None = None) -> np.ndarray:
    """``closedloop link`` (``link_files`` over an ``item_id,title,body,labels,components`` CSV), ranks as scores.

    ``config`` None is the shipped default.
    Items outside a query's top ``k`` get ``-inf``; the written ranks are kept by their scores.
    """
    with tempfile.TemporaryDirectory(prefix="links-prod-") as tmp:
        folder = Path(tmp)
        with (folder / "f.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["feedback_id", "text"])
            writer.writerows(zip(pairs.query_ids, pairs.queries, strict=True))
        with (folder / "b.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["item_id", "title", "body", "labels", "components"])
            writer.writerows((r.item_id, r.title, r.body, r.labels, r.components) for r in pairs.backlog)
        link_files(folder / "f.csv", folder / "b.csv", folder / "o.csv", top_k=k, embedder=embedder, cache=cache,
                   config=config)
        with (folder / "o.csv").open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    qpos = {q: i for i, q in enumerate(pairs.query_ids)}
    ipos = {r.item_id: j for j, r in enumerate(pairs.backlog)}
    out = np.full((len(pairs.queries), len(pairs.backlog)), -np.inf)
    for row in rows:
        out[qpos[row["feedback_id"]], ipos[row["item_id"]]] = -float(row["rank"])
    return out


QUERY_HEADS = (16, 32, 64, 128)
"""Query lengths (words) tried for BM25: a long report's logs add many rare terms."""


def bm25_signals(pairs: PairSet) -> dict[str, np.ndarray]:
    """BM25 matrices over field and query variants (cheap: recomputed on every run, never stored)."""
    items = Matcher(_items(pairs), MatchConfig(signals=("bm25_title",)))._prepared()
    meta = [f"{r.labels} {r.components}".replace(";", " ") for r in pairs.backlog]
    docs = {
        "bm25_text": [i.text for i in items],
        "bm25_title": [i.title or i.description[:200] for i in items],
        "bm25_title2_body": [f"{i.title}\n{i.title}\n{i.description}" for i in items],
        "bm25_text_meta": [f"{i.text}\n{m}" for i, m in zip(items, meta, strict=True)],
        "bm25_body400": [f"{i.title}\n{' '.join(i.description.split()[:400])}" for i in items],
    }
    out = {name: BM25Index(texts).scores(pairs.queries) for name, texts in docs.items()}
    text_index = BM25Index(docs["bm25_text"])
    for words in QUERY_HEADS:
        heads = [" ".join(q.split()[:words]) for q in pairs.queries]
        out[f"bm25_text_q{words}"] = text_index.scores(heads)
    return out


def compute(pairs: PairSet, embedder: Embedder, cache: EmbeddingCache, store: Path) -> dict[str, np.ndarray]:
    """Every signal's ``(n_queries, n_items)`` matrix (and the vectors PRF needs).

    The dense matrices are read from ``store`` when it exists (written on the first run);
    ``production`` (``closedloop link`` with the current defaults, through the same cache) and the
    BM25 variants are computed on every run. ``production_before`` is the shipped default when the
    store was written (``dense_title`` alone).
    """
    started = time.perf_counter()
    if store.exists():
        with np.load(store) as data:
            out = {name: data[name] for name in data.files if not name.startswith("bm25")}
        out.setdefault("production_before", out.pop("production", out["dense_title"]))
    else:
        out = _dense(pairs, embedder, cache)
        store.parent.mkdir(parents=True, exist_ok=True)
        np.savez(store, **out)
    out["production"] = production_scores(pairs, embedder, cache, k=50)
    print(f"{pairs.name}: signals in {time.perf_counter() - started:.0f}s", flush=True)
    return out | bm25_signals(pairs)


def _dense(pairs: PairSet, embedder: Embedder, cache: EmbeddingCache) -> dict[str, np.ndarray]:
    items = _items(pairs)
    plain = Matcher(items, MatchConfig(signals=("dense_title", "dense_text"), gloss=False), embedder, cache)
    out = {f"plain_{k.removeprefix('dense_')}": v for k, v in plain.signal_scores(pairs.queries).items()}
    config = MatchConfig(signals=DENSE, chunk_words=CHUNK_WORDS, max_chunks=MAX_CHUNKS)
    full = Matcher(items, config, embedder, cache)
    out.update(full.signal_scores(pairs.queries))
    before = MatchConfig(signals=("dense_title",), rrf_k=60)  # the default before the pair sets
    out["production_before"] = production_scores(pairs, embedder, cache, k=50, config=before)
    out["vec_query"] = full.embed_queries(pairs.queries)
    out["vec_title"] = full.item_vectors("dense_title")
    out["vec_text"] = full.item_vectors("dense_text")
    print(f"{pairs.name}: items embedded {full.item_counts.embedded + plain.item_counts.embedded}, "
          f"cached {full.item_counts.reused + plain.item_counts.reused}", flush=True)
    return out
