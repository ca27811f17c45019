"""Dagster wiring for closedloop (no business logic)."""
