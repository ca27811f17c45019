"""Run the whole Dagster pipeline in-process, with one log line per stage (``closedloop run`` calls it)."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from closedloop.core.errors import ClosedloopError
from closedloop.core.lock import run_lock
from closedloop.core.settings import Settings, load_settings, prepare_environment, record_exports_folder
from orchestration.defs.transform.resources import prepare_manifest

log = logging.getLogger("closedloop.pipeline")

USER_ERRORS = {"UnreadableFileError", "ConfigError", "ClosedloopError", "InputError", "ModelNotFoundError",
               "RunInProgressError"}


class ErrorChain(Protocol):
    """What Dagster records of a step's error: class name, message, and the errors behind it."""

    @property
    def cls_name(self) -> str | None: ...  # noqa: D102

    @property
    def message(self) -> str: ...  # noqa: D102

    @property
    def cause(self) -> ErrorChain | None: ...  # noqa: D102

    @property
    def context(self) -> ErrorChain | None: ...  # noqa: D102


@dataclass
class PipelineResult:
    """Outcome of :func:`run_pipeline`.

    Attributes:
        success: Whether every step and blocking check passed.
        seconds: Wall time.
        failed_checks: ``check name: description`` of each failed asset check.
        errors: User-facing error messages of failed steps.
        skipped: Asset keys that did not materialize.
    """

    success: bool
    seconds: float
    failed_checks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def run_pipeline(data_dir: Path | None = None, selection: str = "*") -> PipelineResult:
    """Materialize every asset (like ``dagster asset materialize --select '*'``) in-process.

    Args:
        data_dir: Export folder; default ``$CLOSEDLOOP_DATA`` or ``$CLOSEDLOOP_HOME/demo``.
        selection: Dagster asset selection string.

    Raises:
        RunInProgressError: Another process is writing this warehouse (its pid and start time are named).
    """
    if data_dir is not None:
        if not data_dir.is_dir():
            raise ClosedloopError(f"data folder {data_dir} does not exist")
        os.environ["CLOSEDLOOP_DATA"] = str(data_dir.resolve())
    settings: Settings = prepare_environment(load_settings())
    with run_lock(settings.home):  # before Dagster's storage is touched: a second run stops here with a message
        return _run_locked(settings, selection)


def _run_locked(settings: Settings, selection: str) -> PipelineResult:
    started = time.perf_counter()
    log.info(f"pipeline: data {settings.data_dir}, warehouse {settings.warehouse}")
    record_exports_folder(settings)
    prepare_manifest(settings)

    import dagster as dg

    from orchestration.definitions import defs

    # The pipeline job: every unpartitioned asset (the quarterly report is partitioned by quarter and
    # runs from its own schedule or `closedloop report`; see orchestration/defs/publish/report.py).
    job = defs.resolve_job_def("closedloop_pipeline")
    asset_selection = dg.AssetSelection.from_string(selection) if selection != "*" else None
    selected = (list(set(asset_selection.resolve(defs.resolve_asset_graph()))
                     & set(job.asset_layer.executable_asset_keys)) if asset_selection else None)
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            asset_selection=selected,
            run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
        )
    outcome = PipelineResult(success=result.success, seconds=time.perf_counter() - started)
    materialized = {e.asset_key for e in result.get_asset_materialization_events()
                    if e.asset_key is not None}
    outcome.failed_checks = [f"{c.asset_key.to_user_string()} {c.check_name}: {c.description or ''}"
                             for c in result.get_asset_check_evaluations() if not c.passed]
    outcome.errors = [_user_message(e.step_failure_data.error) for e in result.get_step_failure_events()]
    planned = set(job.asset_layer.executable_asset_keys)
    outcome.skipped = sorted(k.to_user_string() for k in planned - materialized)
    if outcome.failed_checks:
        outcome.success = False
    from orchestration.defs.alerts.sensors import alert_run_outcome

    alert_run_outcome(settings, outcome.success, outcome.failed_checks, [
        (e.step_key or "run", m) for e, m in zip(result.get_step_failure_events(), outcome.errors, strict=True)],
        result.run_id)
    return outcome


def _user_message(error: ErrorChain | None) -> str:
    """The message of our own error in a Dagster error chain, else the first line of the deepest cause."""
    current = error
    while current is not None:
        if current.cls_name in USER_ERRORS:
            message = str(current.message).strip()
            prefix = f"{current.cls_name}: "
            return message.split(prefix, 1)[-1] if prefix in message else message
        current = current.cause or current.context
    deepest = error
    while deepest is not None and deepest.cause is not None:
        deepest = deepest.cause
    message = str(deepest.message if deepest is not None else "").strip()
    return message.splitlines()[0] if message else "step failed"
