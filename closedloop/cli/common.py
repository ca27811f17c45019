"""What every command shares: argument types and the console log format."""

from __future__ import annotations

import argparse
import logging
import sys


def positive_int(text: str) -> int:
    """Argparse type: a positive integer."""
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {value}")
    return value


def setup_logging(verbose: bool = False) -> None:
    """One console handler on the ``closedloop`` loggers: time and message, INFO (DEBUG with ``-v``)."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s  %(message)s", datefmt="%H:%M:%S"))
    root = logging.getLogger("closedloop")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.propagate = False
