"""The ``alert_on_run_failure`` sensor: a run Dagster launched that fails is told, naming the failed step.

A real (tiny) job fails in a real Dagster test instance; the sensor is evaluated on that run's
failure event, as the daemon would; Slack is a local HTTP server thread.
"""

from __future__ import annotations

from typing import Any

import dagster as dg

from closedloop.core.errors import ClosedloopError
from closedloop.core.settings import load_settings
from orchestration.defs.alerts.sensors import alert_on_run_failure


@dg.op
def load_exports() -> None:
    """Fail like an ingest step whose export cannot be read."""
    raise ClosedloopError("exports/zendesk/tickets.jsonl: cannot read the file")


@dg.job
def failing_job() -> None:
    """One step that fails."""
    load_exports()


def _evaluate_sensor_on_a_failed_run() -> None:
    with dg.instance_for_test() as instance:
        result = failing_job.execute_in_process(instance=instance, raise_on_error=False)
        assert not result.success
        context = dg.build_run_status_sensor_context(
            sensor_name="alert_on_run_failure", dagster_instance=instance, dagster_run=result.dagster_run,
            dagster_event=result.get_run_failure_event()).for_run_failure()
        alert_on_run_failure(context)


def test_a_failed_dagster_run_is_told_with_its_step_and_error_once(alert_env: dict[str, str], http_receiver: Any,
                                                                   smtp_receiver: Any) -> None:
    _evaluate_sensor_on_a_failed_run()
    (slack,) = http_receiver.bodies("/slack")
    assert "Run failed at step load_exports" in slack["text"]
    section = slack["blocks"][1]["text"]["text"]
    assert "• exports/zendesk/tickets.jsonl: cannot read the file" in section
    _evaluate_sensor_on_a_failed_run()
    assert len(http_receiver.bodies("/slack")) == 1
    assert len(smtp_receiver.messages) == 1


def test_without_a_channel_the_sensor_sends_and_records_nothing() -> None:
    _evaluate_sensor_on_a_failed_run()
    assert not load_settings().alerts.ledger.exists()
