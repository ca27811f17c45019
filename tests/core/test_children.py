"""A child started through the launcher dies with its parent, even when the parent is killed with SIGKILL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from closedloop.core.children import launcher

PARENT = textwrap.dedent("""
    import subprocess, sys, time
    child = subprocess.Popen(sys.argv[1:])
    print(child.pid, flush=True)
    time.sleep(120)
""")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _orphan_after_killing_parent(*command: str) -> bool:
    """Start ``command`` under a parent, SIGKILL the parent; whether the child is still alive 3 s later."""
    parent = subprocess.Popen([sys.executable, "-c", PARENT, *command], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    time.sleep(0.5)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 3
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    survived = _alive(child)
    if survived:
        os.kill(child, signal.SIGKILL)
    return survived


def test_a_child_started_through_the_launcher_dies_with_its_killed_parent(tmp_path: Path) -> None:
    sleep = Path(shutil.which("sleep") or "/bin/sleep")
    wrapped = launcher(sleep, tmp_path)
    assert not _orphan_after_killing_parent(str(wrapped), "60")
    assert _orphan_after_killing_parent(str(sleep), "60"), "without the launcher the child outlives its parent"


def test_the_launcher_passes_arguments_and_the_exit_code_through(tmp_path: Path) -> None:
    wrapped = launcher(Path(sys.executable), tmp_path)
    result = subprocess.run([str(wrapped), "-c", "import sys; print(sys.argv[1:]); sys.exit(3)", "a b", "c"],
                            capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout.strip()) == (3, "['a b', 'c']")


def test_the_launcher_is_rewritten_only_when_it_would_change(tmp_path: Path) -> None:
    first = launcher(Path("/bin/true"), tmp_path)
    stamp = first.stat().st_mtime_ns
    assert launcher(Path("/bin/true"), tmp_path).stat().st_mtime_ns == stamp
    launcher(Path("/bin/true"), tmp_path, python="/usr/bin/python3")
    assert first.read_text().startswith("#!/usr/bin/python3\n")
