"""What every command shares: argument types, the console log format and the rotating log file."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys

from closedloop.core.settings import load_settings

LOG_FILE = "closedloop.log"
"""The project log under ``$CLOSEDLOOP_HOME/logs/``."""
LOG_FILE_BYTES = 5 * 1024 * 1024
LOG_FILE_BACKUPS = 5
"""``closedloop.log`` rolls over at 5 MB and keeps five older files (``closedloop.log.1`` … ``.5``)."""


def positive_int(text: str) -> int:
    """Argparse type: a positive integer."""
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {value}")
    return value


def setup_logging(verbose: bool = False) -> None:
    """Handlers on the ``closedloop`` loggers: the console (time and message) and the rotating log file.

    INFO (DEBUG with ``-v``). The file, ``$CLOSEDLOOP_HOME/logs/closedloop.log`` (5 x 5 MB), gets every
    line with its date, level and logger. The loggers do not propagate, so each line is printed once
    whatever else (Dagster, dbt, a library's ``basicConfig``) configures the root logger.
    """
    console = logging.StreamHandler(sys.stdout)
    console.setFormatter(logging.Formatter("%(asctime)s  %(message)s", datefmt="%H:%M:%S"))
    handlers: list[logging.Handler] = [console]
    logs = load_settings().logs
    try:
        logs.mkdir(parents=True, exist_ok=True)
        to_file = logging.handlers.RotatingFileHandler(logs / LOG_FILE, maxBytes=LOG_FILE_BYTES,
                                                       backupCount=LOG_FILE_BACKUPS, encoding="utf-8", delay=True)
    except OSError as exc:
        print(f"closedloop: not writing {logs / LOG_FILE}: {exc}", file=sys.stderr)
    else:
        to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
        handlers.append(to_file)
    root = logging.getLogger("closedloop")
    for old in root.handlers:
        old.close()
    root.handlers[:] = handlers
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.propagate = False
