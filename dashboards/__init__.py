"""Superset dashboards as code (YAML bundle) and the code that syncs them."""
