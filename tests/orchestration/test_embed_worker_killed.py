"""An embedding worker SIGKILLed in the middle of a real Dagster run of the theme asset.

The real ``ticket_themes`` asset is materialized in-process (``dg.materialize``, an ephemeral instance)
on a small DuckDB warehouse of 300 distinct tickets, with two real ``python -m orchestration.embed_worker``
Pipes workers and the packaged model, 20 texts a batch. A watcher thread finds worker 1 among this
process's children (``/proc``, so Linux only) once its spool holds a committed batch, and kills it.
The spool is locked by its writer, so while the worker lives the watcher reads a copy of the spool
and its write-ahead log (DuckDB replays only complete commits: a lower bound of what is committed).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import dagster as dg
import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from closedloop.core.settings import load_settings
from orchestration.resources import ClosedloopResource
from topics.config import config_from_env
from topics.embed import make_embedder, text_hash
from topics.text import ticket_text

BATCH = 20
PRODUCTS = ("wallet", "card", "invoice", "login", "export", "refund", "upload", "backup", "camera", "printer")
PROBLEMS = ("fails after the update", "is very slow today", "shows a red error", "was charged twice",
            "never arrives by mail", "crashes the whole app", "looks wrong on mobile", "cannot be found",
            "logs me out again", "times out at night")
PLACES = ("on android", "in the web app", "at checkout")
TEXTS = [f"The {p} {q} {w}" for p in PRODUCTS for q in PROBLEMS for w in PLACES]

WORKER_LINE = re.compile(r"embedding worker \d \(pid (\d+)\): (?:committed (\d+)/(\d+)|embedding )")
pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the worker through /proc")


def _children_running(spool: Path) -> list[int]:
    """Pids of this process's children whose command line runs the embed worker writing ``spool``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            argv = stat.with_name("cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
        if ppid == os.getpid() and b"orchestration.embed_worker" in argv and str(spool).encode() in argv:
            found.append(int(stat.parent.name))
    return found


def _rows(spool: Path, copy: bool) -> int:
    """Vectors in ``spool``; with ``copy``, counted in a copy of the spool and its WAL (the writer holds the lock)."""
    if not spool.exists():
        return 0
    with tempfile.TemporaryDirectory() as folder:
        path = spool
        if copy:
            path = Path(folder) / spool.name
            shutil.copyfile(spool, path)
            if spool.with_name(spool.name + ".wal").exists():
                shutil.copyfile(spool.with_name(spool.name + ".wal"), path.with_name(path.name + ".wal"))
        try:
            with duckdb.connect(str(path), read_only=True) as con:
                return int(con.execute("select count(*) from topics.embedding_cache").fetchone()[0])
        except duckdb.Error:
            return 0  # not created yet, or the copy caught a half-written file: look again


class KillWorker(threading.Thread):
    """Waits until the worker writing ``spool`` has committed a batch, then SIGKILLs it."""

    def __init__(self, spool: Path) -> None:
        super().__init__(daemon=True)
        self.spool = spool
        self.seen = 0
        self.pid: int | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.05):
            pids = _children_running(self.spool)
            if pids and (seen := _rows(self.spool, copy=True)) >= BATCH:
                self.seen = seen
                os.kill(pids[0], signal.SIGKILL)
                self.pid = pids[0]
                return


def _ticket_round(lines: list[str]) -> int:
    """Texts the run's first two workers (the tickets'; theme names come later) embedded, from their log lines."""
    totals: dict[str, int] = {}
    for match in filter(None, map(WORKER_LINE.search, lines)):
        pid, done, total = match.groups()
        totals.setdefault(pid, 0)
        if done is not None and done == total:
            totals[pid] = int(done)
    return sum(list(totals.values())[:2])


def test_a_worker_killed_mid_run_fails_the_run_clearly_and_the_next_run_embeds_only_what_is_missing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ticket_warehouse: Callable[[Sequence[str]], Path],
        materialize_themes: Callable[..., tuple[dg.ExecuteInProcessResult, list[str]]]):
    monkeypatch.setenv("CLOSEDLOOP_EMBED_WORKERS", "2")
    monkeypatch.setenv("CLOSEDLOOP_EMBED_WORKER_BATCH", str(BATCH))
    warehouse = ticket_warehouse(TEXTS)
    resource = ClosedloopResource(warehouse=str(warehouse), data_dir=str(tmp_path))
    spools = load_settings().embed_spool
    killer = KillWorker(spools / "spool-1.duckdb")
    started = time.monotonic()
    with dg.DagsterInstance.ephemeral() as instance:
        killer.start()
        failed, _ = materialize_themes(instance, resource)
        killer.stop.set()
        killer.join()
        killed_after = time.monotonic() - started
        assert killer.pid is not None, "worker 1 finished before it could be killed"
        assert not failed.success
        shard = len(pq.read_table(spools / "shard-1.parquet"))
        kept = _rows(spools / "spool-1.duckdb", copy=False)
        # Every batch the worker had committed before the kill survived it; only the rest is left.
        assert BATCH <= killer.seen <= kept < shard
        message = failed.get_step_failure_events()[0].step_failure_data.error.to_string()  # with its cause
        assert f"worker 1 was killed by SIGKILL with {shard - kept} of {shard} texts left" in message, message
        # Nothing committed is lost: worker 0 finished its shard, worker 1's batches wait in its spool.
        committed = _rows(spools / "spool-0.duckdb", copy=False) + kept
        assert committed == len(TEXTS) - (shard - kept)

        second, lines = materialize_themes(instance, resource)
        assert second.success
    metadata = next(m.materialization.metadata for m in second.get_asset_materialization_events()
                    if m.asset_key == dg.AssetKey("topics_ticket_themes"))
    assert f"themes: {committed:,} vectors of an interrupted embedding run recovered" in lines
    # The second run embedded only what the killed worker left: at most its uncommitted texts.
    assert metadata["embedded"].value == len(TEXTS) - committed <= shard - killer.seen
    assert _ticket_round(lines) == len(TEXTS) - committed  # what the workers themselves say they embedded
    assert metadata["tickets"].value == len(TEXTS)
    docs = [ticket_text(t, None) for t in TEXTS]  # what the asset embeds for a ticket
    hashes = [text_hash(t) for t in docs]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = dict(con.execute("select text_hash, vector from topics.embedding_cache").fetchall())
    assert set(hashes) <= set(rows)
    assert list(spools.glob("spool-*")) == []  # the spools were moved into the cache
    sample = list(range(0, len(TEXTS), 15))
    cached = np.array([rows[hashes[i]] for i in sample], dtype=np.float32)
    expected = make_embedder(config_from_env().embed, threads=2).embed([docs[i] for i in sample])
    cosines = np.sum(cached * expected, axis=1) / (np.linalg.norm(cached, axis=1) * np.linalg.norm(expected, axis=1))
    assert cosines.min() >= 0.9999
    print(f"killed worker 1 after {killed_after:.0f} s at {killer.seen} committed; {shard - kept} of {shard} left")
