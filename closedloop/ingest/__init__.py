"""Ingestion: connectors, validation, quarantine, redaction and idempotent merge into ``raw``."""

from closedloop.ingest.errors import ClosedloopError, ConfigError, UnreadableFileError
from closedloop.ingest.load import EntityReport, LoadReport, load_all

__all__ = ["ClosedloopError", "ConfigError", "EntityReport", "LoadReport", "UnreadableFileError", "load_all"]
