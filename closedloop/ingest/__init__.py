"""Ingestion: connectors, validation, quarantine, redaction and idempotent merge into ``raw``."""

from closedloop.ingest.load import EntityReport, LoadReport, load_all, open_warehouse

__all__ = ["EntityReport", "LoadReport", "load_all", "open_warehouse"]
