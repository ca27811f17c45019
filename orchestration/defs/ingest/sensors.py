"""Sensor: new export files in the inbox folder start a pipeline run that ingests them."""


import json
from pathlib import Path
from typing import Any

import dagster as dg

from closedloop.core.settings import load_settings

EXPORT_SUFFIXES = {".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".parquet"}


def inbox_files(inbox: Path) -> dict[str, float]:
    """Export files under ``inbox`` with their modification times."""
    if not inbox.exists():
        return {}
    return {str(p): p.stat().st_mtime for p in sorted(inbox.rglob("*")) if p.suffix.lower() in EXPORT_SUFFIXES}


def build_new_exports_sensor(job: Any) -> dg.SensorDefinition:
    """Sensor ``new_exports_in_inbox``: runs ``job`` when export files appear or change in the inbox.

    The raw assets read the inbox (same layout as the data folder) besides the data folder, and
    loading is idempotent, so the run ingests just what is new.
    """

    @dg.sensor(name="new_exports_in_inbox", job=job, minimum_interval_seconds=60,
               default_status=dg.DefaultSensorStatus.STOPPED)
    def _sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
        inbox = load_settings().inbox
        seen: dict[str, float] = json.loads(context.cursor) if context.cursor else {}
        current = inbox_files(inbox)
        new = sorted(path for path, mtime in current.items() if seen.get(path) != mtime)
        if not new:
            return dg.SkipReason(f"no new export files in {inbox}")
        return dg.SensorResult(
            run_requests=[dg.RunRequest(run_key=f"inbox-{max(current[p] for p in new):.0f}-{len(new)}",
                                        tags={"closedloop/new_files": str(len(new))})],
            cursor=json.dumps(current),
        )

    return _sensor
