"""The Kubernetes values file (deploy/helm/values.yaml) for Dagster's official Helm chart.

helm itself and the chart cannot be installed here (only PyPI, Debian and npm are reachable, and
neither ships the chart), so `helm template` is not run: the values are checked with ``jsonschema``
against deploy/helm/values.schema.json, the chart's schema for the keys the file sets, and against
what closedloop's own deployments configure (closedloop/core/dagster_yaml.py).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from closedloop.core.dagster_yaml import DAGSTER_RUNS_YAML, DAGSTER_YAML

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "helm"


def _values() -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / "values.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _errors(values: dict[str, Any]) -> list[str]:
    schema = json.loads((DEPLOY / "values.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(values)]


def test_values_file_passes_the_charts_schema() -> None:
    assert _errors(_values()) == []


@pytest.mark.parametrize(("path", "bad", "where"), [
    (("dagster-user-deployments", "deployments", 0, "port"), "3030", "dagster-user-deployments/deployments/0/port"),
    (("runLauncher", "type"), "K8sLauncher", "runLauncher/type"),
    (("dagsterDaemon", "runCoordinator", "config", "queuedRunCoordinator", "maxConcurrentRuns"), "one",
     "dagsterDaemon/runCoordinator/config/queuedRunCoordinator/maxConcurrentRuns"),
    (("postgresql", "enabled"), "no", "postgresql/enabled"),
])
def test_a_wrong_value_is_refused_naming_its_key(path: tuple[Any, ...], bad: object, where: str) -> None:
    values = copy.deepcopy(_values())
    node: Any = values
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = bad
    errors = _errors(values)
    assert any(e.startswith(where + ":") for e in errors), errors


def test_k8s_run_launcher_without_its_config_is_refused() -> None:
    values = copy.deepcopy(_values())
    del values["runLauncher"]["config"]["k8sRunLauncher"]
    assert any("k8sRunLauncher" in e for e in _errors(values))


def test_code_location_is_closedloops_definitions_with_secrets_from_kubernetes() -> None:
    values = _values()
    (location,) = values["dagster-user-deployments"]["deployments"]
    assert location["dagsterApiGrpcArgs"] == ["-m", "orchestration.definitions"]
    assert {"name": "closedloop-warehouse"} in location["envSecrets"]
    assert location["includeConfigInLaunchedRuns"] == {"enabled": True}
    plain = {e["name"]: e.get("value", "") for e in location["env"]}
    assert not any("PASSWORD" in name or "URL" in name for name in plain), "secrets belong in Secrets"
    assert "CLOSEDLOOP_HOME" in plain


def test_instance_storage_is_external_postgresql_with_its_password_from_a_secret() -> None:
    values = _values()
    assert values["postgresql"]["enabled"] is False
    assert values["generatePostgresqlPasswordSecret"] is False
    assert "postgresqlPassword" not in values["postgresql"]
    assert values["global"]["postgresqlSecretName"]


def test_run_queue_and_pools_match_what_closedloop_writes_for_its_own_instance() -> None:
    """The chart's dagster.yaml gets the same one-run-at-a-time queue and pool limit as dagster_yaml.py."""
    values = _values()
    assert values["dagsterDaemon"]["enabled"] is True
    assert values["dagsterDaemon"]["runCoordinator"]["type"] == "QueuedRunCoordinator"
    assert values["runLauncher"]["type"] == "K8sRunLauncher"
    queue = values["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]
    assert not any(queue.values()), "the chart would write max_concurrent_runs, which Dagster refuses here"
    ours = yaml.safe_load(DAGSTER_YAML + DAGSTER_RUNS_YAML)
    assert values["additionalInstanceConfig"]["concurrency"] == ours["concurrency"]
    assert values["additionalInstanceConfig"]["concurrency"]["runs"]["max_concurrent_runs"] == 1
    assert values["pythonLogs"]["managedPythonLoggers"] == ours["python_logs"]["managed_python_loggers"]
