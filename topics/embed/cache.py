"""The embedding cache: no text is ever embedded twice with the same settings.

Rows of ``topics.embedding_cache`` are keyed by the sha256 of the normalized text and the model id
(which includes backend, truncation and pooling, so vectors from different settings never mix).
Duplicates within one call are embedded once too. Only hashes and vectors are stored, never text.
The table lives in the warehouse (the pipeline) or in a DuckDB file of its own (the command-line
tools): :class:`EmbeddingCache` wraps either.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from topics.embed.base import Embedder
from topics.embed.text import normalize_text, text_hash

log = logging.getLogger(__name__)

CACHE_TABLE = "topics.embedding_cache"
_WRITE_CHUNK = 2048


@dataclass(frozen=True)
class CachedEmbeddings:
    """Vectors for a list of texts and what it cost.

    Attributes:
        vectors: ``(n_texts, dim)`` float32, in input order.
        embedded: Unique texts that had to be embedded in this call.
        reused: Unique texts found in the cache.
        unique: Unique normalized texts in the input.
    """

    vectors: np.ndarray
    embedded: int
    reused: int
    unique: int


def ensure_cache_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ``topics`` schema and the cache table when missing."""
    from topics.store import ensure_cache_schema

    ensure_cache_schema(con)


def _lookup(con: duckdb.DuckDBPyConnection, hashes: list[str], model_id: str) -> dict[str, np.ndarray]:
    if not hashes:
        return {}
    wanted = pa.table({"text_hash": pa.array(hashes, pa.string())})
    con.register("_wanted_hashes", wanted)
    try:
        found = con.sql(
            f"""select c.text_hash, c.dim, c.vector from {CACHE_TABLE} c
                join _wanted_hashes w using (text_hash) where c.model_id = ?""",
            params=[model_id],
        ).to_arrow_table()
    finally:
        con.unregister("_wanted_hashes")
    if found.num_rows == 0:
        return {}
    dims = set(found.column("dim").to_pylist())
    if len(dims) != 1:
        raise ValueError(f"cache rows for {model_id} have mixed dimensions {sorted(dims)}")
    dim = dims.pop()
    vectors = found.column("vector").combine_chunks()
    flat = vectors.flatten().to_numpy(zero_copy_only=False).astype(np.float32, copy=False)
    matrix = flat.reshape(found.num_rows, dim)
    return dict(zip(found.column("text_hash").to_pylist(), matrix, strict=True))


def _store(con: duckdb.DuckDBPyConnection, hashes: list[str], vectors: np.ndarray, model_id: str) -> None:
    n, dim = vectors.shape
    flat = pa.array(np.ascontiguousarray(vectors, dtype=np.float32).ravel(), pa.float32())
    offsets = pa.array(np.arange(0, (n + 1) * dim, dim, dtype=np.int32), pa.int32())
    rows = pa.table({
        "text_hash": pa.array(hashes, pa.string()),
        "model_id": pa.array([model_id] * n, pa.string()),
        "dim": pa.array([dim] * n, pa.int32()),
        "vector": pa.ListArray.from_arrays(offsets, flat),
    })
    con.register("_new_vectors", rows)
    try:
        con.execute(f"""insert or ignore into {CACHE_TABLE} (text_hash, model_id, dim, vector)
                        select text_hash, model_id, dim, vector from _new_vectors""")
    finally:
        con.unregister("_new_vectors")


def embed_with_cache(con: duckdb.DuckDBPyConnection, texts: Sequence[str], embedder: Embedder,
                     progress: Callable[[int, int], None] | None = None) -> CachedEmbeddings:
    """Vectors for ``texts``, embedding only normalized texts the cache has not seen for this model.

    New vectors are written in chunks as they are made, so an interrupted run keeps its progress.

    Args:
        con: Open DuckDB connection (the warehouse, or a cache file).
        texts: Texts in any order, duplicates allowed.
        embedder: The embedding backend; its ``model_id`` is part of the key.
        progress: Optional (embedded so far, to embed) callback.

    Returns:
        The vectors in input order and counts of embedded and reused unique texts.
    """
    ensure_cache_table(con)
    normalized = [normalize_text(t) for t in texts]
    hashes = [text_hash(t) for t in normalized]
    first_text: dict[str, str] = {}
    for h, t in zip(hashes, normalized, strict=True):
        first_text.setdefault(h, t)
    unique = list(first_text)
    known = _lookup(con, unique, embedder.model_id)
    missing = [h for h in unique if h not in known]
    # An embedder that commits its own batches (the worker pool) may take more texts per call.
    write_chunk = int(getattr(embedder, "cache_write_chunk", _WRITE_CHUNK))
    for start in range(0, len(missing), write_chunk):
        chunk = missing[start : start + write_chunk]
        vectors = np.asarray(embedder.embed([first_text[h] for h in chunk]), dtype=np.float32)
        _store(con, chunk, vectors, embedder.model_id)
        known.update(zip(chunk, vectors, strict=True))
        if progress:
            progress(start + len(chunk), len(missing))
    if missing:
        log.info("embedded %d new texts, reused %d from the cache", len(missing), len(unique) - len(missing))
    dim = embedder.dim if not known else len(next(iter(known.values())))
    matrix = np.zeros((len(texts), dim), dtype=np.float32)
    for row, h in enumerate(hashes):
        matrix[row] = known[h]
    return CachedEmbeddings(vectors=matrix, embedded=len(missing), reused=len(unique) - len(missing),
                            unique=len(unique))


class EmbeddingCache:
    """The cache in an open connection (the warehouse) or in a DuckDB file of its own.

    A file is opened only for the length of each call, so two tools never hold its lock for long.

    Args:
        target: An open DuckDB connection, or the path of a DuckDB file (created with its folder).
    """

    def __init__(self, target: Path | str | duckdb.DuckDBPyConnection) -> None:
        self._con: duckdb.DuckDBPyConnection | None = None
        self.path: Path | None = None
        if isinstance(target, duckdb.DuckDBPyConnection):
            self._con = target
        else:
            self.path = Path(target)
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def _connect(self) -> duckdb.DuckDBPyConnection:
        if self._con is not None:
            return self._con.cursor()
        assert self.path is not None
        return duckdb.connect(str(self.path))

    def embed(self, embedder: Embedder, texts: Sequence[str],
              progress: Callable[[int, int], None] | None = None) -> CachedEmbeddings:
        """Vectors of ``texts``, embedding only what the cache has not seen (see :func:`embed_with_cache`)."""
        con = self._connect()
        try:
            return embed_with_cache(con, texts, embedder, progress=progress)
        finally:
            con.close()

    def count(self, model_id: str | None = None) -> int:
        """Cached vectors (of ``model_id``, or all)."""
        con = self._connect()
        try:
            ensure_cache_table(con)
            sql = f"select count(*) from {CACHE_TABLE}" + ("" if model_id is None else " where model_id = ?")
            row = con.execute(sql, [] if model_id is None else [model_id]).fetchone()
        finally:
            con.close()
        return int(row[0]) if row else 0


def rate_progress(say: Callable[[str], None], label: str) -> Callable[[int, int], None]:
    """A progress callback for :func:`embed_with_cache`: ``label done/total new texts (rate/s)`` every ~10%."""
    started = time.perf_counter()
    last = [-1]

    def report(done: int, total: int) -> None:
        step = int(10 * done / total) if total else 10
        if step > last[0]:
            last[0] = step
            rate = done / max(time.perf_counter() - started, 1e-9)
            say(f"{label} {done:,}/{total:,} new texts ({rate:,.0f}/s)")

    return report
