"""Child processes that die with their parent: a launcher that sets ``PR_SET_PDEATHSIG`` before ``exec``.

When ``closedloop run`` is killed (kill -9 included) while ``dbt build`` runs, the dbt process would
otherwise be re-parented to PID 1 and keep the warehouse open for writing until it finished. Linux
lets a process ask for a signal when its parent dies (``prctl(PR_SET_PDEATHSIG)``, see prctl(2));
the setting survives ``execve`` of a program that is not set-user-ID. A process group or an
``atexit`` hook cannot do this: neither runs when the parent is killed with SIGKILL.

:func:`launcher` writes a small executable that sets the signal to SIGKILL and then execs the
real program with the same arguments; it is given to dagster-dbt as ``dbt_executable``. On other
systems than Linux the launcher simply execs the program.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

LAUNCHER = '''#!{python}
"""{program}, killed (SIGKILL) when the process that started it dies. Written by closedloop.core.children."""
import ctypes
import os
import signal
import sys

PROGRAM = {program!r}
parent = os.getppid()
if sys.platform.startswith("linux"):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl({option}, int(signal.SIGKILL), 0, 0, 0) != 0:
        sys.exit(f"closedloop: prctl(PR_SET_PDEATHSIG) failed: {{os.strerror(ctypes.get_errno())}}")
    if parent == 1:  # the parent died before the signal was set: do not start at all
        sys.exit(1)
os.execv(PROGRAM, [PROGRAM, *sys.argv[1:]])
'''


def launcher(program: Path, folder: Path, python: str | None = None) -> Path:
    """An executable in ``folder`` that runs ``program`` so that it dies with its parent.

    The file is (re)written only when its content would change, so concurrent callers and repeated
    imports do not rewrite it.

    Args:
        program: Absolute path of the real executable (e.g. the venv's ``dbt``).
        folder: Where to write the launcher (created when missing).
        python: Interpreter of the launcher's ``#!`` line; default this process's interpreter.

    Returns:
        Path of the launcher, named ``<program name>-with-parent``.
    """
    text = LAUNCHER.format(python=python or sys.executable, program=str(program), option=PR_SET_PDEATHSIG)
    path = folder / f"{program.name}-with-parent"
    try:
        current = path.read_text(encoding="utf-8")
    except OSError:
        current = None
    if current != text:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(0o755)
        tmp.replace(path)
    return path
