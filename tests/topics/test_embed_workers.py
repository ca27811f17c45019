"""Embedding in worker processes: the packaged model in real child processes, a real DuckDB cache.

Workers are ``python -m orchestration.embed_worker`` processes, as the pipeline starts them (there
under Dagster Pipes; here as plain children, whose stdout the kill test watches).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import numpy as np
import pytest

from topics.config import EmbedConfig
from topics.embed import embed_with_cache, make_embedder, text_hash
from topics.embed.workers import (
    EmbedWorkerError,
    WorkerPoolEmbedder,
    absorb_spools,
    deal_shards,
    read_spools,
    spool_files,
)

COMMAND = (sys.executable, "-m", "orchestration.embed_worker")
SUBJECTS = ("refund", "login", "invoice", "password", "card", "export", "sync", "upload", "screen", "payment",
            "delivery", "account", "backup", "printer", "camera")
PROBLEMS = ("fails again", "is very slow", "shows an error", "was charged twice", "never arrives",
            "crashes the app", "looks wrong", "cannot be found")
PLACES = ("on my phone", "since the update", "after checkout", "in the web app", "every morning")
TEXTS = [f"The {s} {p} {w} (case {i})" for i, (s, p, w) in enumerate(
    (s, p, w) for s in SUBJECTS for p in PROBLEMS for w in PLACES)][:300]


class KillAfterBatches:
    """Starts workers with their stdout watched; kills each with SIGKILL after it commits ``batches`` batches."""

    def __init__(self, batches: int) -> None:
        self.batches = batches
        self.threads: list[threading.Thread] = []

    def start(self, index: int, argv: list[str]) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(argv, stdout=subprocess.PIPE)
        thread = threading.Thread(target=self._watch, args=(process,), daemon=True)
        thread.start()
        self.threads.append(thread)
        return process

    def _watch(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        committed = 0
        for line in process.stdout:
            committed += b"committed" in line
            if committed == self.batches:
                process.kill()

    def close(self) -> None:
        for thread in self.threads:
            thread.join(timeout=30)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_texts_are_dealt_longest_first_so_every_worker_gets_similar_lengths():
    texts = ["a" * n for n in (1, 9, 5, 7, 3, 8)]
    assert deal_shards(texts, 2) == [[1, 3, 4], [5, 2, 0]]  # lengths 9, 7, 3 and 8, 5, 1
    assert deal_shards(texts[:1], 4) == [[0]]  # no idle worker is started


def test_two_workers_give_the_vectors_of_in_process_embedding(tmp_path: Path):
    config = EmbedConfig()
    workers = WorkerPoolEmbedder(config, 2, tmp_path / "spool", COMMAND, threads=2, batch_size=64)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        pooled = embed_with_cache(con, [*TEXTS, TEXTS[0]], workers)
    in_process = make_embedder(config, threads=2)
    assert workers.model_id == in_process.model_id  # the same cache key: either path reuses the other's vectors
    assert pooled.embedded == len(TEXTS)
    expected = in_process.embed(TEXTS)
    assert pooled.vectors.shape == (len(TEXTS) + 1, in_process.dim)
    assert _cosines(pooled.vectors[: len(TEXTS)], expected).min() >= 0.9999
    assert np.array_equal(pooled.vectors[-1], pooled.vectors[0])
    assert len(spool_files(tmp_path / "spool")) == 2


def test_after_a_worker_is_killed_mid_run_the_next_run_embeds_only_what_is_missing(tmp_path: Path):
    spool = tmp_path / "spool"
    killed = WorkerPoolEmbedder(EmbedConfig(), 1, spool, COMMAND, threads=2, batch_size=32,
                                launcher=lambda: KillAfterBatches(3))
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        with pytest.raises(EmbedWorkerError, match=r"worker 0 was killed by SIGKILL with") as failure:
            embed_with_cache(con, TEXTS, killed)
        in_spool = len(read_spools(spool, [text_hash(t) for t in TEXTS], killed.model_id))
        assert (f"with {len(TEXTS) - in_spool} of {len(TEXTS)} texts left (its {in_spool} committed texts are "
                f"kept in {spool / 'spool-0.duckdb'})") in str(failure.value)
        kept = absorb_spools(con, spool)
        assert kept == in_spool
        assert 3 * 32 <= kept < len(TEXTS), "the committed batches survived the kill, the rest was not done"
        assert spool_files(spool) == []
        again = WorkerPoolEmbedder(EmbedConfig(), 2, spool, COMMAND, threads=2, batch_size=32)
        resumed = embed_with_cache(con, TEXTS, again)
        assert (resumed.embedded, resumed.reused) == (len(TEXTS) - kept, kept)
        # The workers were handed only the missing texts: their spools hold exactly those.
        with duckdb.connect(str(spool_files(spool)[0])) as first, duckdb.connect(str(spool_files(spool)[1])) as second:
            spooled = sum(int(c.execute("select count(*) from topics.embedding_cache").fetchone()[0])
                          for c in (first, second))
        assert spooled == len(TEXTS) - kept
    expected = make_embedder(EmbedConfig(), threads=2).embed(TEXTS)
    assert _cosines(resumed.vectors, expected).min() >= 0.9999
