"""dbt helpers shared by the CLI, Dagster and tests (no Dagster imports)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from closedloop.settings import DBT_PROJECT_DIR, Settings, prepare_environment

log = logging.getLogger("closedloop.transform")


def project_fingerprint(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """sha256 over the paths and contents of the dbt project's source files (models, macros, seeds, yml)."""
    digest = hashlib.sha256()
    files = sorted(p for p in project_dir.rglob("*")
                   if p.is_file() and p.suffix in {".sql", ".yml", ".yaml", ".csv", ".md"}
                   and "target" not in p.parts and "logs" not in p.parts and "dbt_packages" not in p.parts)
    for path in files:
        digest.update(str(path.relative_to(project_dir)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def prepare_manifest(settings: Settings | None = None, force: bool = False) -> Path:
    """Run ``dbt parse`` when the manifest is missing or was parsed from other project files.

    The manifest's project fingerprint (:func:`project_fingerprint`) is kept beside it, so a state
    folder copied, restored from a backup or kept across an upgrade is re-parsed even when its file
    times look newer than the project's.

    Returns:
        Path of ``manifest.json``.
    """
    settings = prepare_environment(settings)
    manifest = settings.dbt_target / "manifest.json"
    stamp = settings.dbt_target / "manifest.fingerprint"
    fingerprint = project_fingerprint(DBT_PROJECT_DIR)
    if (not force and manifest.exists() and stamp.exists()
            and stamp.read_text(encoding="utf-8").strip() == fingerprint):
        return manifest
    from dbt.cli.main import dbtRunner

    log.info("dbt parse (manifest missing or stale)")
    result = dbtRunner().invoke(["parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
                                 "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(settings.dbt_target)])
    if not result.success:
        raise RuntimeError(f"dbt parse failed: {result.exception}")
    stamp.write_text(fingerprint + "\n", encoding="utf-8")
    return manifest
