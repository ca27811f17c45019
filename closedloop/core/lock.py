"""One writer at a time: a run lock in ``$CLOSEDLOOP_HOME``, held by the process and released on its death.

The lock is an advisory ``flock`` on ``$CLOSEDLOOP_HOME/run.lock``; the file records the holder's
pid and start time so the next writer can say who is busy. The kernel drops the lock when the
holding process ends, however it ends (kill -9 included), so a crashed run never leaves a stale
lock behind. Within one process the lock is re-entrant: ``closedloop run`` takes it before
Dagster's storage is touched, and the pipeline's resources take it again for every Dagster run.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from closedloop.core.errors import ClosedloopError

LOCK_FILE = "run.lock"

_held: dict[Path, tuple[IO[str], int]] = {}
_guard = threading.Lock()


class RunInProgressError(ClosedloopError):
    """Another process holds the run lock of this warehouse."""

    def __init__(self, path: Path, holder: dict[str, object]) -> None:
        """Name the lock file and, when it says so, the holder's pid and start time."""
        who = (f"another run, pid {holder.get('pid', '?')}, started at {holder.get('started_at', '?')},"
               if holder else "another run")
        super().__init__(f"{who} is writing this warehouse ({path}); wait for it to finish and run again")
        self.holder = holder


def _holder(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def acquire(home: Path) -> None:
    """Take the run lock of ``home`` (re-entrant within a process).

    Raises:
        RunInProgressError: Another process holds it.
    """
    path = (home / LOCK_FILE).resolve()
    with _guard:
        if path in _held:
            handle, count = _held[path]
            _held[path] = (handle, count + 1)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise RunInProgressError(path, _holder(path)) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(),
                                 "started_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")}))
        handle.flush()
        _held[path] = (handle, 1)


def release(home: Path) -> None:
    """Give back one hold of the run lock of ``home``; the last one unlocks it."""
    path = (home / LOCK_FILE).resolve()
    with _guard:
        if path not in _held:
            return
        handle, count = _held[path]
        if count > 1:
            _held[path] = (handle, count - 1)
            return
        del _held[path]
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
