"""Alerts: the ``alerts`` asset at the end of the pipeline, and the alerts when a run fails."""
