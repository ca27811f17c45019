"""The dbt project and its CLI resource; the manifest is parsed before the definitions load.

It is parsed again only when the project's files changed. Importing this module only reads where the
manifest lives: ``closedloop run`` and ``make setup`` call
:func:`prepare_manifest`, and ``dagster dev`` parses when it is stale (``prepare_if_dev``).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from closedloop.core.children import launcher
from closedloop.core.settings import DBT_PROJECT_DIR, Settings, prepare_environment

log = logging.getLogger("closedloop.transform")

MANIFEST_DIR = DBT_PROJECT_DIR / "target"
"""Where the manifest the definitions load lives: with the code, not the state (it is derived from the
project's files alone). Each dbt run writes its own artefacts under ``$CLOSEDLOOP_HOME/dbt/``."""


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


def prepare_manifest(settings: Settings | None = None, force: bool = False, target: Path | None = None) -> Path:
    """Run ``dbt parse`` when the manifest is missing or was parsed from other project files.

    The manifest's project fingerprint (:func:`project_fingerprint`) is kept beside it, so a folder
    copied, restored from a backup or kept across an upgrade is re-parsed even when its file times
    look newer than the project's.

    Args:
        settings: Where dbt logs; default from the environment.
        force: Parse even when the manifest is current.
        target: Folder of the manifest; default :data:`MANIFEST_DIR`, the one the definitions load.

    Returns:
        Path of ``manifest.json``.
    """
    settings = prepare_environment(settings)
    target = target or MANIFEST_DIR
    manifest = target / "manifest.json"
    stamp = target / "manifest.fingerprint"
    fingerprint = project_fingerprint(DBT_PROJECT_DIR)
    if (not force and manifest.exists() and stamp.exists()
            and stamp.read_text(encoding="utf-8").strip() == fingerprint):
        return manifest
    from dbt.cli.main import dbtRunner

    log.info("dbt parse (manifest missing or stale)")
    result = dbtRunner().invoke(["parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
                                 "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(target)])
    if not result.success:
        raise RuntimeError(f"dbt parse failed: {result.exception}")
    stamp.write_text(fingerprint + "\n", encoding="utf-8")
    return manifest



dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=MANIFEST_DIR)
dbt_project.prepare_if_dev()


def dbt_resource() -> DbtCliResource:
    """The dbt CLI resource for the closedloop project.

    dbt runs through a launcher (``closedloop.core.children``) that makes it die with the process
    that started it, so a killed ``closedloop run`` never leaves a ``dbt build`` writing the warehouse.
    """
    executable = Path(sys.executable).with_name("dbt")
    program = executable if executable.exists() else Path(shutil.which("dbt") or "dbt")
    return DbtCliResource(project_dir=dbt_project, profiles_dir=str(DBT_PROJECT_DIR),
                          dbt_executable=str(launcher(program.absolute(), MANIFEST_DIR)))

if __name__ == "__main__":  # ``python -m orchestration.defs.transform.resources``: what ``make setup`` runs
    print(prepare_manifest())
