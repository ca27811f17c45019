"""Errors closedloop shows to users."""

from __future__ import annotations

from pathlib import Path


class ClosedloopError(Exception):
    """An error with a message meant for the user; the CLI prints it without a traceback."""


class UnreadableFileError(ClosedloopError):
    """A whole input file could not be read (missing, not JSON, wrong shape)."""

    def __init__(self, path: Path | str, reason: str) -> None:
        """Name the file and say why it cannot be read."""
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"cannot read {path}: {reason}")


class ConfigError(ClosedloopError):
    """The sources configuration is invalid."""
