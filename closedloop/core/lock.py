"""One writer at a time: a run lock in ``$CLOSEDLOOP_HOME``, held by the process and released on its death.

The lock is an advisory ``flock`` on ``$CLOSEDLOOP_HOME/run.lock``; the file records the holder's
pid and start time so the next writer can say who is busy. The kernel drops the lock when the
holding process ends, however it ends (kill -9 included), so a crashed run never leaves a stale
lock behind. Within one process the lock is re-entrant: ``closedloop run`` takes it before
Dagster's storage is touched, and the pipeline's resources take it again for every Dagster run.

With a shared PostgreSQL warehouse (``$CLOSEDLOOP_WAREHOUSE_URL``) the file lock alone would only
serialise writers on one machine, so the holder also takes a session-level PostgreSQL advisory lock
(``pg_try_advisory_lock``) on a connection it keeps open: a writer on another machine or pod is
refused with the holder's pid and host, and the server drops the lock when the holder's connection
ends, however the holder ends. Within one Dagster deployment runs do not meet the lock at all: the
queued run coordinator starts one run at a time (``closedloop.core.pg.DAGSTER_POSTGRES_YAML``).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from closedloop.core.errors import ClosedloopError

LOCK_FILE = "run.lock"
ADVISORY_KEY = 0x636C6F6F
"""Key of the advisory lock in the shared warehouse's database (``cloo``; below 2**31, so
``pg_locks.objid`` holds it and ``classid`` is 0)."""

_held: dict[Path, tuple[IO[str], int, Any]] = {}
_guard = threading.Lock()


class RunInProgressError(ClosedloopError):
    """Another process holds the run lock of this warehouse."""

    def __init__(self, path: Path | str, holder: dict[str, object]) -> None:
        """Name the lock file (or the shared warehouse) and, when known, the holder's pid and start time."""
        who = (f"another run, pid {holder.get('pid', '?')}, started at {holder.get('started_at', '?')},"
               if holder else "another run")
        super().__init__(f"{who} is writing this warehouse ({path}); wait for it to finish and run again")
        self.holder = holder


def _holder(path: Path, patience: float = 1.0) -> dict[str, object]:
    """The holder's record in the lock file, waiting up to ``patience`` seconds for it to be written.

    The holder writes its pid just after it takes the lock, so a writer refused in that instant
    reads an empty file; it looks again for a moment before naming no one.
    """
    deadline = time.monotonic() + patience
    while True:
        try:
            data = json.loads(path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            data = {}
        if (isinstance(data, dict) and data) or time.monotonic() >= deadline:
            return data if isinstance(data, dict) else {}
        time.sleep(0.02)


def _shared_lock() -> Any:
    """With a shared PostgreSQL warehouse: a connection holding its advisory lock (None without one).

    Raises:
        RunInProgressError: A process on this or another machine holds it (named by pid and host).
    """
    if not os.environ.get("CLOSEDLOOP_WAREHOUSE_URL", "").strip():
        return None
    from closedloop.core.pg import target_from_env

    target = target_from_env()
    if target is None:
        return None
    pg = target.connect()
    pg.autocommit = True
    name = f"closedloop run lock {os.getpid()}@{socket.gethostname()}"[:63]
    pg.execute("select set_config('application_name', %s, false)", (name,))
    row = pg.execute("select pg_try_advisory_lock(%s)", (ADVISORY_KEY,)).fetchone()
    if row and row[0]:
        return pg
    holder = pg.execute(
        "select a.application_name, to_char(a.backend_start at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') "
        "from pg_locks l join pg_stat_activity a using (pid) where l.locktype = 'advisory' and l.granted "
        "and l.classid = 0 and l.objid = %s", (ADVISORY_KEY,)).fetchone()
    pg.close()
    who: dict[str, object] = {}
    if holder:
        who = {"pid": str(holder[0]).removeprefix("closedloop run lock ").replace("@", " on ", 1),
               "started_at": f"{holder[1]} UTC"}
    raise RunInProgressError(str(target), who)


def acquire(home: Path) -> None:
    """Take the run lock of ``home`` (re-entrant within a process), and the shared warehouse's when there is one.

    Raises:
        RunInProgressError: Another process holds it.
    """
    path = (home / LOCK_FILE).resolve()
    with _guard:
        if path in _held:
            handle, count, shared = _held[path]
            _held[path] = (handle, count + 1, shared)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise RunInProgressError(path, _holder(path)) from None
        handle.seek(0)  # say who holds it at once: a refused writer reads this
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(),
                                 "started_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")}))
        handle.flush()
        try:
            shared = _shared_lock()
        except BaseException:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
            raise
        _held[path] = (handle, 1, shared)


def release(home: Path) -> None:
    """Give back one hold of the run lock of ``home``; the last one unlocks it."""
    path = (home / LOCK_FILE).resolve()
    with _guard:
        if path not in _held:
            return
        handle, count, shared = _held[path]
        if count > 1:
            _held[path] = (handle, count - 1, shared)
            return
        del _held[path]
        if shared is not None:
            shared.close()  # the session ends: PostgreSQL drops its advisory lock
        handle.seek(0)
        handle.truncate()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


@contextlib.contextmanager
def run_lock(home: Path) -> Iterator[None]:
    """Hold the run lock of ``home`` for the enclosed block (see :func:`acquire`)."""
    acquire(home)
    try:
        yield
    finally:
        release(home)
