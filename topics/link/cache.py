"""Embedding cache in a DuckDB file: a text is embedded once per model.

Rows are keyed by the sha256 of the normalized text and the embedder's model id, so vectors of
different models or settings never mix. Only hashes and vectors are stored, never the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from topics.link.embedding import TextEmbedder
from topics.link.text import text_hash

TABLE = "link_embedding_cache"


@dataclass(frozen=True)
class CachedVectors:
    """Vectors for a list of texts and where they came from.

    Attributes:
        vectors: ``(n_texts, dim)`` float32 in input order.
        embedded: Distinct texts embedded by this call.
        reused: Distinct texts found in the cache.
    """

    vectors: np.ndarray
    embedded: int
    reused: int


class EmbeddingCache:
    """A DuckDB table ``link_embedding_cache(text_sha256, model_id, vector)``.

    Args:
        path: DuckDB file (created with its folder when missing).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(self.path)) as con:
            con.execute(
                f"create table if not exists {TABLE} (text_sha256 varchar not null, model_id varchar not null, "
                "vector float[] not null, created_at timestamp default current_timestamp, "
                "primary key (text_sha256, model_id))"
            )

    def count(self, model_id: str | None = None) -> int:
        """Cached vectors (of ``model_id``, or all)."""
        with duckdb.connect(str(self.path), read_only=True) as con:
            if model_id is None:
                row = con.execute(f"select count(*) from {TABLE}").fetchone()
            else:
                row = con.execute(f"select count(*) from {TABLE} where model_id = ?", [model_id]).fetchone()
        return int(row[0]) if row else 0

    def embed(self, embedder: TextEmbedder, texts: Sequence[str]) -> CachedVectors:
        """Vectors of ``texts``: cached ones read back, the others embedded once and stored.

        Args:
            embedder: Makes the missing vectors; its ``model_id`` is part of the key.
            texts: Texts in any order, duplicates allowed.

        Returns:
            Vectors in input order with the embedded and reused counts (distinct texts).
        """
        hashes = [text_hash(t) for t in texts]
        first: dict[str, int] = {}
        for i, h in enumerate(hashes):
            first.setdefault(h, i)
        model_id = embedder.model_id
        found: dict[str, np.ndarray] = {}
        missing: list[str] = []
        with duckdb.connect(str(self.path)) as con:
            if first:
                keys = pa.table({
                    "text_sha256": pa.array(list(first), pa.string()),
                    "model_id": pa.array([model_id] * len(first), pa.string()),
                })
                con.register("wanted", keys)
                relation: Any = con.sql(
                    f"select c.text_sha256, c.vector from {TABLE} c join wanted w using (text_sha256, model_id)"
                )
                # duckdb 2 renamed fetch_arrow_table to to_arrow_table
                to_arrow = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
                table = to_arrow()
                con.unregister("wanted")
                if table.num_rows:
                    flat = table.column("vector").combine_chunks()
                    values = np.asarray(flat.flatten(), dtype=np.float32).reshape(table.num_rows, -1)
                    for h, vec in zip(table.column("text_sha256").to_pylist(), values, strict=True):
                        found[h] = vec
            missing = [h for h in first if h not in found]
            if missing:
                new = embedder.embed([texts[first[h]] for h in missing]).astype(np.float32)
                rows = pa.table({
                    "text_sha256": pa.array(missing, pa.string()),
                    "model_id": pa.array([model_id] * len(missing), pa.string()),
                    "vector": pa.ListArray.from_arrays(
                        pa.array(np.arange(0, new.size + 1, new.shape[1], dtype=np.int32)),
                        pa.array(new.ravel(), pa.float32())),
                })
                con.register("fresh", rows)
                con.execute(f"insert or ignore into {TABLE} (text_sha256, model_id, vector) "
                            "select text_sha256, model_id, vector from fresh")
                con.unregister("fresh")
                found.update(zip(missing, new, strict=True))
        dim = next(iter(found.values())).shape[0] if found else embedder.dim
        vectors = np.zeros((len(texts), dim), dtype=np.float32)
        for i, h in enumerate(hashes):
            vectors[i] = found[h]
        return CachedVectors(vectors=vectors, embedded=len(missing), reused=len(first) - len(missing))
