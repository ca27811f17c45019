"""Run the whole Dagster pipeline in-process, with one log line per stage (``closedloop run`` calls it)."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from closedloop.core.errors import ClosedloopError
from closedloop.core.lock import run_lock
from closedloop.core.settings import Settings, load_settings, prepare_environment, record_exports_folder
from orchestration.defs.transform.resources import prepare_manifest
from orchestration.resources import WAREHOUSE_POOL

if TYPE_CHECKING:
    from dagster import DagsterInstance

log = logging.getLogger("closedloop.pipeline")

TOOL_OUTPUT = "run-output.log"
"""File under ``$CLOSEDLOOP_HOME/logs/`` that holds what dbt and other tools print during the last run."""
USER_ERRORS = {"UnreadableFileError", "ConfigError", "ClosedloopError", "InputError", "ModelNotFoundError",
               "RunInProgressError", "DbtBuildFailedError", "UnpublishedBuildError"}


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
        warnings: What the loading steps warned about (no file matched a table's pattern, references
            emptied), in loading order.
    """

    success: bool
    seconds: float
    failed_checks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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
    # dbt's own lines (dagster-dbt re-prints every dbt event to stdout) go to a file, not the console:
    # the console keeps one line per stage; our log handlers hold the real stdout, so they still print.
    output = settings.logs / TOOL_OUTPUT
    log.info(f"dbt and tool output: {output}")
    with output.open("w", encoding="utf-8") as handle, contextlib.redirect_stdout(handle), \
            dg.DagsterInstance.get() as instance:
        _release_slots_of_dead_runs(instance)
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
    outcome.warnings = [str(warning) for e in result.get_asset_materialization_events()
                        for warning in _metadata_list(e.step_materialization_data.materialization.metadata, "warnings")]
    planned = set(job.asset_layer.executable_asset_keys)
    outcome.skipped = sorted(k.to_user_string() for k in planned - materialized)
    if outcome.failed_checks:
        outcome.success = False
    from orchestration.defs.alerts.sensors import alert_run_outcome

    alert_run_outcome(settings, outcome.success, outcome.failed_checks, [
        (e.step_key or "run", m) for e, m in zip(result.get_step_failure_events(), outcome.errors, strict=True)],
        result.run_id)
    return outcome


def _release_slots_of_dead_runs(instance: DagsterInstance) -> None:
    """Give back the warehouse pool's slots held or awaited by runs whose process died (kill -9, a crash).

    Dagster frees a run's pool slots when the run ends; a process killed mid-step never does, and the
    next run would wait for that slot forever. Every step in the pool holds the run lock, which this
    process holds now, so any other run in the pool is one whose process is gone: its slots are
    freed and the run is marked failed.
    """
    info = instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL)
    stale = {slot.run_id for slot in info.claimed_slots} | {step.run_id for step in info.pending_steps}
    for run_id in sorted(stale):
        instance.event_log_storage.free_concurrency_slots_for_run(run_id)
        run = instance.get_run_by_id(run_id)
        if run is not None and not run.is_finished:
            instance.report_run_failed(run, "its process ended without finishing (killed or crashed); "
                                            "its slot of the warehouse pool was given back by the next run")
        log.warning(f"run {run_id} had ended without giving back its warehouse pool slot: freed")


def _metadata_list(metadata: Mapping[str, object], key: str) -> list[object]:
    """The list a materialization's JSON metadata entry holds, or nothing."""
    value = getattr(metadata.get(key), "value", None)
    return list(value) if isinstance(value, list) else []


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
