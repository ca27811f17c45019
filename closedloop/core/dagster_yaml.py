"""The Dagster instance's ``$DAGSTER_HOME/dagster.yaml``, as closedloop writes it.

Dagster's instance reference: https://docs.dagster.io/deployment/oss/dagster-yaml.
"""

from __future__ import annotations

import os
from pathlib import Path

DAGSTER_YAML_HEADER = "# Written by closedloop; delete this line to keep your own edits.\n"
DAGSTER_YAML = DAGSTER_YAML_HEADER + """telemetry:
  enabled: false
# The project's loggers reach each run's log view in the Dagster UI.
python_logs:
  python_log_level: INFO
  managed_python_loggers:
    - closedloop
# One writer per warehouse: assets in the pool run one at a time across runs (sensor, schedule, manual).
concurrency:
  pools:
    default_limit: 1
"""
"""The instance configuration of ``$DAGSTER_HOME/dagster.yaml`` (Dagster's instance reference:
https://docs.dagster.io/deployment/oss/dagster-yaml)."""


DAGSTER_RUNS_YAML = """  # Queued runs start one at a time: each run of the pipeline holds the warehouse's run lock from
  # start to end, so a second one started beside it would be refused; queued, it waits and succeeds.
  runs:
    max_concurrent_runs: 1
"""
"""Added to the ``concurrency:`` block that ends :data:`DAGSTER_YAML` when runs are queued (PostgreSQL storage;
Dagster's ``concurrency > runs`` setting, which replaces the run coordinator's own ``max_concurrent_runs``)."""


def write_dagster_yaml(path: Path) -> None:
    """Write :data:`DAGSTER_YAML` unless the file holds the user's own configuration (no header line).

    With ``$CLOSEDLOOP_DAGSTER_STORAGE_URL`` the instance also keeps its runs, events and schedules
    in PostgreSQL and queues submitted runs, starting one at a time (:data:`DAGSTER_RUNS_YAML`,
    ``closedloop.core.pg.DAGSTER_POSTGRES_YAML``).
    """
    wanted = DAGSTER_YAML
    if url := os.environ.get("CLOSEDLOOP_DAGSTER_STORAGE_URL", "").strip():
        from closedloop.core.pg import DAGSTER_POSTGRES_YAML, dagster_storage_url

        wanted += DAGSTER_RUNS_YAML + DAGSTER_POSTGRES_YAML
        os.environ["CLOSEDLOOP_DAGSTER_SQLALCHEMY_URL"] = dagster_storage_url(url)
    if path.exists():
        current = path.read_text(encoding="utf-8")
        if current == wanted or not current.startswith(DAGSTER_YAML_HEADER):
            return
    path.write_text(wanted, encoding="utf-8")
