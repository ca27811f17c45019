"""Embedding in worker processes: texts in, vectors into each worker's spool, resumable after a kill.

:class:`WorkerPoolEmbedder` is an :class:`~topics.embed.base.Embedder` whose ``embed`` does not load
a model: it splits the texts it has no vectors for into one shard per worker (a Parquet file of
``text_hash, text``, dealt longest first so every worker gets similar lengths), starts the worker
processes (a command the caller names; the pipeline's is ``python -m orchestration.embed_worker``
under Dagster Pipes) and reads their vectors back. Each worker (:func:`run_worker`) embeds its shard
in batches and commits every batch to its **spool**, a DuckDB file holding the embedding cache table
(``topics.embedding_cache``, :mod:`topics.embed.cache`). A worker killed mid-run loses at most the
batch it was embedding: the spools keep what was committed, :meth:`WorkerPoolEmbedder.embed` reuses
them, and :func:`absorb_spools` moves them into the warehouse's cache, so the next run embeds only
what is missing.

Spools exist because the warehouse is one DuckDB file with one writer, the orchestrating process;
the workers never open it. ``embed_with_cache`` hands this embedder every missing text in one call
(:attr:`WorkerPoolEmbedder.cache_write_chunk`), so a run starts each worker once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import signal
import subprocess
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from topics.config import EmbedConfig
from topics.embed.base import default_model_id, model_folder
from topics.embed.cache import CACHE_TABLE, _lookup, _store, ensure_cache_table
from topics.embed.text import text_hash

SPOOL_PATTERN = "spool-*.duckdb"
"""File names of the workers' spools in the spool folder (``spool-0.duckdb``, ...)."""
BATCH_SIZE = 256
"""Texts a worker embeds and commits at a time (the most a killed worker loses)."""


class EmbedWorkerError(RuntimeError):
    """A worker process ended without embedding its whole shard."""


class WorkerProcess(Protocol):
    """A started worker as :class:`WorkerPoolEmbedder` sees it (a :class:`subprocess.Popen` is one)."""

    def wait(self) -> int:
        """Block until the worker ends; its exit code (negative: the signal that killed it)."""
        ...

    def poll(self) -> int | None:
        """The exit code, or None while the worker runs."""
        ...

    def kill(self) -> None:
        """Stop the worker now (its committed batches stay in its spool)."""
        ...


class Launcher(Protocol):
    """Starts worker processes and, when all have ended, collects what they reported."""

    def start(self, index: int, argv: list[str]) -> WorkerProcess:
        """Start worker ``index`` with ``argv``."""
        ...

    def close(self) -> None:
        """Called once after every started worker has ended (or failed to start)."""
        ...


class SubprocessLauncher:
    """Plain child processes (no Dagster): what benchmarks and the command line use."""

    def start(self, index: int, argv: list[str]) -> subprocess.Popen[bytes]:
        """Start worker ``index``; its output goes to this process's output."""
        return subprocess.Popen(argv)

    def close(self) -> None:
        """Nothing to collect."""


def worker_argv(command: Sequence[str], shard: Path, spool: Path, config: EmbedConfig, threads: int,
                batch_size: int) -> list[str]:
    """The command line of one worker (read back by :func:`parse_worker_argv`)."""
    return [*command, "--shard", str(shard), "--spool", str(spool), "--threads", str(threads),
            "--batch-size", str(batch_size), "--config", json.dumps(dataclasses.asdict(config))]


def config_from_json(text: str) -> EmbedConfig:
    """The :class:`EmbedConfig` of :func:`worker_argv`'s ``--config``."""
    return EmbedConfig(**json.loads(text))


def _spool(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    ensure_cache_table(con)
    return con


def run_worker(shard: Path, spool: Path, config: EmbedConfig, threads: int = 1, batch_size: int = BATCH_SIZE,
               progress: Callable[[int, int], None] | None = None) -> int:
    """Embed a shard's texts into a spool, committing each batch; texts already in the spool are skipped.

    Args:
        shard: Parquet file with ``text_hash`` and ``text`` columns.
        spool: DuckDB file receiving the vectors (created when missing).
        config: Embedding settings (model, backend, pooling); part of the cache key.
        threads: CPU threads of this worker.
        batch_size: Texts per committed batch.
        progress: Called with (texts committed, texts to embed) after each batch.

    Returns:
        Texts embedded by this call.
    """
    from topics.embed import make_embedder

    table = pq.read_table(shard, columns=["text_hash", "text"])
    hashes = [str(h) for h in table.column("text_hash").to_pylist()]
    texts = [str(t) for t in table.column("text").to_pylist()]
    model_id = default_model_id(config)
    with contextlib.closing(_spool(spool)) as con:
        done = set(_lookup(con, hashes, model_id))
        todo = [i for i, h in enumerate(hashes) if h not in done]
        if not todo:
            return 0
        embedder = make_embedder(config, threads=threads)
        for start in range(0, len(todo), batch_size):
            batch = todo[start : start + batch_size]
            vectors = np.asarray(embedder.embed([texts[i] for i in batch]), dtype=np.float32)
            _store(con, [hashes[i] for i in batch], vectors, model_id)  # one committed insert per batch
            if progress:
                progress(start + len(batch), len(todo))
    return len(todo)


def spool_files(spool_dir: Path) -> list[Path]:
    """The spools in ``spool_dir``, by name."""
    return sorted(spool_dir.glob(SPOOL_PATTERN)) if spool_dir.is_dir() else []


def read_spool(spool: Path, hashes: Sequence[str], model_id: str) -> dict[str, np.ndarray]:
    """Vectors of ``hashes`` for ``model_id`` in one spool (none when it does not exist)."""
    if not spool.exists():
        return {}
    with contextlib.closing(_spool(spool)) as con:
        return _lookup(con, list(hashes), model_id)


def read_spools(spool_dir: Path, hashes: Sequence[str], model_id: str) -> dict[str, np.ndarray]:
    """Vectors of ``hashes`` for ``model_id`` found in any spool."""
    found: dict[str, np.ndarray] = {}
    for path in spool_files(spool_dir):
        found.update(read_spool(path, [h for h in hashes if h not in found], model_id))
    return found


def absorb_spools(con: duckdb.DuckDBPyConnection, spool_dir: Path) -> int:
    """Move every spool's vectors into the cache of ``con`` (the warehouse), then delete the spools.

    Returns:
        Vectors the cache did not hold yet.
    """
    ensure_cache_table(con)
    before = _cache_rows(con)
    for path in spool_files(spool_dir):
        con.execute(f"attach '{path}' as spool (read_only)")
        try:
            # created_at is now, not the worker's: a shared warehouse receives cache rows newer than its newest.
            con.execute(f"insert or ignore into {CACHE_TABLE} (text_hash, model_id, dim, vector) "
                        f"select text_hash, model_id, dim, vector from spool.{CACHE_TABLE}")
        finally:
            con.execute("detach spool")
        path.unlink()
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
    return _cache_rows(con) - before


def _cache_rows(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute(f"select count(*) from {CACHE_TABLE}").fetchone()
    return int(row[0]) if row else 0


def deal_shards(texts: Sequence[str], workers: int) -> list[list[int]]:
    """Indices of ``texts`` for each worker: longest first, dealt in turn (similar work for each)."""
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    return [s for s in (order[w::workers] for w in range(max(1, workers))) if s]


class WorkerPoolEmbedder:
    """An :class:`~topics.embed.base.Embedder` that embeds in worker processes (see the module docstring).

    Args:
        config: Embedding settings the workers use; :attr:`model_id` follows from them.
        workers: Worker processes started per call (fewer when there are fewer texts).
        spool_dir: Folder of the shards and the workers' spools.
        command: The worker program (e.g. ``[python, -m, orchestration.embed_worker]``).
        threads: CPU threads shared by the workers (each gets at least one).
        batch_size: Texts a worker commits at a time.
        launcher: Makes the :class:`Launcher` of each call; default plain child processes.
    """

    cache_write_chunk = 10_000_000
    """``embed_with_cache`` passes every missing text at once: workers commit per batch themselves."""

    def __init__(self, config: EmbedConfig, workers: int, spool_dir: Path, command: Sequence[str], *,
                 threads: int = 2, batch_size: int = BATCH_SIZE,
                 launcher: Callable[[], Launcher] = SubprocessLauncher) -> None:
        self.config = config
        self.workers = max(1, workers)
        self.spool_dir = Path(spool_dir)
        self.command = list(command)
        self.threads = max(1, threads)
        self.batch_size = batch_size
        self.launcher = launcher
        self._dim: int | None = None

    @property
    def model_id(self) -> str:
        """The cache identity of the configured model (the same as in-process embedding's)."""
        return default_model_id(self.config)

    @property
    def dim(self) -> int:
        """Vector dimension: from vectors seen, else the model's ``config.json`` (``hidden_size``)."""
        if self._dim is None:
            meta = json.loads((model_folder(self.config) / "config.json").read_text(encoding="utf-8"))
            self._dim = int(meta.get("hidden_size", meta.get("dim", 0)))
        return self._dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts``: from the spools when a worker already made them, else from new workers.

        Raises:
            EmbedWorkerError: A worker ended with an error or was killed (its committed batches stay
                in its spool for the next call).
        """
        hashes = [text_hash(t) for t in texts]
        first: dict[str, str] = {}
        for h, t in zip(hashes, texts, strict=True):
            first.setdefault(h, t)
        known = read_spools(self.spool_dir, list(first), self.model_id)
        missing = [h for h in first if h not in known]
        if missing:
            self._run_workers(missing, [first[h] for h in missing])
            known.update(read_spools(self.spool_dir, missing, self.model_id))
        if lost := [h for h in first if h not in known]:
            raise EmbedWorkerError(f"the embedding workers returned no vector for {len(lost):,} texts")
        if not known:
            return np.zeros((0, self.dim), dtype=np.float32)
        self._dim = len(next(iter(known.values())))
        return np.stack([known[h] for h in hashes]).astype(np.float32, copy=False)

    def _run_workers(self, hashes: list[str], texts: list[str]) -> None:
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        shards = deal_shards(texts, self.workers)
        threads = max(1, self.threads // len(shards))
        launcher = self.launcher()
        running: list[tuple[int, Path, WorkerProcess]] = []
        try:
            for index, rows in enumerate(shards):
                shard = self.spool_dir / f"shard-{index}.parquet"
                pq.write_table(pa.table({"text_hash": [hashes[i] for i in rows], "text": [texts[i] for i in rows]}),
                               shard)
                spool = self.spool_dir / f"spool-{index}.duckdb"
                argv = worker_argv(self.command, shard, spool, self.config, threads, self.batch_size)
                running.append((index, spool, launcher.start(index, argv)))
            failed = [(i, spool, p.wait()) for i, spool, p in running]
        finally:
            for _, _, process in running:
                if process.poll() is None:
                    process.kill()
                    process.wait()
            launcher.close()
        if bad := [(i, spool, code) for i, spool, code in failed if code != 0]:
            names = "; ".join(self._failure(i, spool, code, [hashes[k] for k in shards[i]]) for i, spool, code in bad)
            raise EmbedWorkerError(f"embedding workers failed: {names}; the next run embeds only what is missing")
        for shard in self.spool_dir.glob("shard-*.parquet"):
            shard.unlink()

    def _failure(self, index: int, spool: Path, code: int, shard: list[str]) -> str:
        """What worker ``index`` left undone: its exit (or the signal that killed it) and its texts not in its spool."""
        kept = len(read_spool(spool, shard, self.model_id))
        how = f"was killed by {_signal_name(-code)}" if code < 0 else f"ended with exit code {code}"
        return (f"worker {index} {how} with {len(shard) - kept:,} of {len(shard):,} texts left "
                f"(its {kept:,} committed texts are kept in {spool})")


def _signal_name(number: int) -> str:
    with contextlib.suppress(ValueError):
        return signal.Signals(number).name
    return f"signal {number}"


@contextlib.contextmanager
def spooled(con: duckdb.DuckDBPyConnection, spool_dir: Path) -> Iterator[int]:
    """Absorb leftover spools (a killed run's) into the cache of ``con``; absorb the new ones on success.

    Yields:
        Vectors recovered from leftover spools.
    """
    recovered = absorb_spools(con, spool_dir)
    yield recovered
    absorb_spools(con, spool_dir)
