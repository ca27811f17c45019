"""The dbt manifest Dagster loads is re-parsed whenever it was not parsed from the project's current files."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from closedloop.core.settings import Settings
from orchestration.defs.transform.resources import prepare_manifest, project_fingerprint


def test_a_copied_state_folder_whose_manifest_looks_newer_but_is_stale_is_re_parsed(tmp_path: Path):
    """A state folder restored from a backup or kept across an upgrade: file times lie, contents decide."""
    settings = Settings(home=tmp_path / "state", data_dir=tmp_path / "data")
    manifest = prepare_manifest(settings, target=tmp_path / "target")
    assert "model.closedloop.stg_helpdesk__tickets" in json.loads(manifest.read_text())["nodes"]
    stamp = manifest.with_name("manifest.fingerprint")
    assert stamp.read_text().strip() == project_fingerprint()

    manifest.write_text(json.dumps({"nodes": {}}))  # an older release's manifest, copied with fresh times
    stamp.write_text("fingerprint-of-older-project-files\n")
    future = time.time() + 3600
    os.utime(manifest, (future, future))

    manifest = prepare_manifest(settings, target=tmp_path / "target")
    assert "model.closedloop.stg_helpdesk__tickets" in json.loads(manifest.read_text())["nodes"]
    assert stamp.read_text().strip() == project_fingerprint()


def test_an_up_to_date_manifest_is_not_parsed_again(tmp_path: Path):
    settings = Settings(home=tmp_path / "state", data_dir=tmp_path / "data")
    manifest = prepare_manifest(settings, target=tmp_path / "target")
    parsed_at = manifest.stat().st_mtime_ns
    assert prepare_manifest(settings, target=tmp_path / "target").stat().st_mtime_ns == parsed_at
