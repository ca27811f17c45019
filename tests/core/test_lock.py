"""One writer at a time: the run lock in CLOSEDLOOP_HOME, with real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from closedloop.core.lock import LOCK_FILE, RunInProgressError, acquire, release, run_lock

HOLD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from closedloop.core.lock import acquire
    acquire(Path(sys.argv[1]))
    print("held", flush=True)
    time.sleep(120)
""")


def _holder(home: Path) -> subprocess.Popen[str]:
    """A child process that takes the lock of ``home`` and keeps it until it is killed."""
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(home)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "held"
    return child


def test_a_second_process_is_refused_with_the_holders_pid_and_start_time(tmp_path: Path):
    child = _holder(tmp_path)
    try:
        with pytest.raises(RunInProgressError, match=rf"another run, pid {child.pid}, started at .* UTC"):
            acquire(tmp_path)
    finally:
        child.kill()
        child.wait()


SLOW_RECORD = textwrap.dedent("""
    import fcntl, json, os, sys, time
    from pathlib import Path
    handle = (Path(sys.argv[1]) / "run.lock").open("a+", encoding="utf-8")
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print("locked", flush=True)
    time.sleep(0.3)
    handle.write(json.dumps({"pid": os.getpid(), "started_at": "2026-01-01 00:00:00 UTC"}))
    handle.flush()
    time.sleep(120)
""")


def test_a_writer_refused_before_the_holder_wrote_its_record_still_names_it(tmp_path: Path):
    """Two runs started together: the loser can arrive between the winner's lock and its record."""
    child = subprocess.Popen([sys.executable, "-c", SLOW_RECORD, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "locked"
        with pytest.raises(RunInProgressError, match=rf"another run, pid {child.pid}, started at"):
            acquire(tmp_path)
    finally:
        child.kill()
        child.wait()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path):
    child = _holder(tmp_path)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with run_lock(tmp_path):  # the kernel dropped the lock with the process
        assert str(os.getpid()) in (tmp_path / LOCK_FILE).read_text()


def test_the_lock_is_re_entrant_within_a_process_and_freed_by_the_last_release(tmp_path: Path):
    acquire(tmp_path)
    acquire(tmp_path)
    release(tmp_path)
    probe = [sys.executable, "-c", "import sys; from pathlib import Path; from closedloop.core.lock import acquire; "
             "acquire(Path(sys.argv[1]))", str(tmp_path)]
    assert subprocess.run(probe, capture_output=True, check=False).returncode != 0, "still held once"
    release(tmp_path)
    assert subprocess.run(probe, capture_output=True, check=False).returncode == 0


def test_closedloop_run_refuses_while_another_run_writes_the_warehouse(tmp_path: Path, run_closedloop):
    home, data = tmp_path / "state", tmp_path / "exports"
    data.mkdir()
    child = _holder(home)
    try:
        result = run_closedloop("run", "--data", str(data), home=home, timeout=120)
    finally:
        child.kill()
        child.wait()
    assert result.returncode == 2
    assert f"another run, pid {child.pid}, started at" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (home / "dagster" / "history").exists(), "Dagster's storage is not touched"


def _holder_on_another_machine(home: Path, url: str) -> subprocess.Popen[str]:
    """A child with its own CLOSEDLOOP_HOME (another machine's disk) holding the lock of the shared warehouse."""
    env = {**os.environ, "CLOSEDLOOP_WAREHOUSE_URL": url}
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(home)], stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "held"
    return child


@pytest.mark.postgres
def test_a_writer_on_another_machine_of_a_shared_warehouse_is_refused_until_the_holder_dies(
        tmp_path: Path, pg_warehouse_url: str, monkeypatch: pytest.MonkeyPatch):
    child = _holder_on_another_machine(tmp_path / "machine-a", pg_warehouse_url)
    monkeypatch.setenv("CLOSEDLOOP_WAREHOUSE_URL", pg_warehouse_url)
    try:
        with pytest.raises(RunInProgressError, match=rf"another run, pid {child.pid} on .*, started at .* UTC.*"
                                                     r"postgresql://"):
            acquire(tmp_path / "machine-b")
        assert not (tmp_path / "machine-b" / LOCK_FILE).read_text(), "the refused writer keeps no file lock"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    deadline = time.monotonic() + 10
    while True:  # the server ends the killed holder's session as soon as it sees the socket closed
        try:
            acquire(tmp_path / "machine-b")
            break
        except RunInProgressError:
            assert time.monotonic() < deadline, "the killed holder's advisory lock was never dropped"
            time.sleep(0.2)
    release(tmp_path / "machine-b")


def test_without_a_shared_warehouse_two_homes_do_not_exclude_each_other(tmp_path: Path):
    with run_lock(tmp_path / "a"), run_lock(tmp_path / "b"):
        assert (tmp_path / "b" / LOCK_FILE).read_text()
