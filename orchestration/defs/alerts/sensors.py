"""Alerts when a run fails: from ``closedloop run`` at its end, and from a sensor for Dagster's own runs.

A failed run usually stops before the ``alerts`` asset (a blocking check or a failed step skips
everything downstream), so the failure is told here: each failed step by name with its error,
each failed check, and the quarantine. A good run forgets earlier failures, so the next one is
news again; the same failure on unchanged data is told once.
"""

import logging
from collections.abc import Sequence
from typing import Any

import dagster as dg
import duckdb

from closedloop.alerts.events import FAILURE_KINDS, Event, check_failed, run_failures
from closedloop.alerts.notify import NotifyReport, data_events, notify
from closedloop.core.errors import ClosedloopError
from closedloop.core.settings import Settings, load_settings

log = logging.getLogger("closedloop.pipeline")


def alert_run_outcome(settings: Settings, success: bool, failed_checks: Sequence[str],
                      failed_steps: Sequence[tuple[str, str]], run_id: str = "") -> NotifyReport | None:
    """Tell the channels about a failed run (checks, steps, quarantine); after a good one forget old failures.

    Args:
        settings: Closedloop's settings (alerts, warehouse).
        success: Whether the run succeeded.
        failed_checks: ``asset check: description`` of each failed check.
        failed_steps: ``(step, error message)`` of each failed step.
        run_id: The Dagster run, named in the message.

    Returns the report, or None when alerting itself could not run (logged, never raised: an alert
    must not hide the run's own outcome).
    """
    try:
        alert_settings = settings.alerts
        if success:
            return notify([], alert_settings, resolved_kinds=FAILURE_KINDS)
        events: list[Event] = [check_failed(c) for c in failed_checks]
        events += run_failures(failed_steps)
        events += [e for e in data_events(settings.warehouse, alert_settings) if e.kind == "quarantine"]
        report = notify(events, alert_settings, context=f"closedloop run {run_id[:8]} failed, {settings.warehouse}")
    except (ClosedloopError, OSError, duckdb.Error) as exc:
        log.warning(f"alerts: could not send the failure alert: {exc}")
        return None
    if report.sent:
        log.info(f"alerts: failure told to {', '.join(report.sent)}")
    return report


def _error_line(error: Any) -> str:
    """First line of the deepest cause of a Dagster error record, without the exception's class name."""
    while error is not None and getattr(error, "cause", None) is not None:
        error = error.cause
    message = str(getattr(error, "message", "") or "").strip()
    first = message.splitlines()[0] if message else "step failed"
    prefix = f"{getattr(error, 'cls_name', None)}: "
    return first.split(prefix, 1)[-1] if prefix in first else first


@dg.run_failure_sensor(name="alert_on_run_failure", default_status=dg.DefaultSensorStatus.RUNNING,
                       description="Tell the alert channels ($CLOSEDLOOP_ALERT_*) which step of a failed run "
                                   "failed; nothing is sent unless a channel is configured.")
def alert_on_run_failure(context: dg.RunFailureSensorContext) -> None:
    """Alert for a run Dagster launched (schedule, sensor, UI) that failed: its failed steps by name."""
    steps = [(e.step_key or "run", _error_line(e.step_failure_data.error))
             for e in context.get_step_failure_events()]
    if not steps:
        steps = [("run", context.failure_event.message or "run failed")]
    alert_run_outcome(load_settings(), False, [], steps, context.dagster_run.run_id)
