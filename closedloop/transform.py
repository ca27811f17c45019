"""dbt helpers shared by the CLI, Dagster and tests (no Dagster imports)."""

from __future__ import annotations

import logging
from pathlib import Path

from closedloop.settings import DBT_PROJECT_DIR, Settings, prepare_environment

log = logging.getLogger("closedloop.transform")


def _newest_source_mtime(project_dir: Path) -> float:
    files = [p for p in project_dir.rglob("*") if p.is_file() and p.suffix in {".sql", ".yml", ".yaml", ".csv", ".md"}
             and "target" not in p.parts and "logs" not in p.parts]
    return max((p.stat().st_mtime for p in files), default=0.0)


def prepare_manifest(settings: Settings | None = None, force: bool = False) -> Path:
    """Run ``dbt parse`` when the manifest is missing or older than the dbt project's files.

    Returns:
        Path of ``manifest.json``.
    """
    settings = prepare_environment(settings)
    manifest = settings.dbt_target / "manifest.json"
    if not force and manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime(DBT_PROJECT_DIR):
        return manifest
    from dbt.cli.main import dbtRunner

    log.info("dbt parse (manifest missing or stale)")
    result = dbtRunner().invoke(["parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
                                 "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(settings.dbt_target)])
    if not result.success:
        raise RuntimeError(f"dbt parse failed: {result.exception}")
    return manifest
