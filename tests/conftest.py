"""Suite-wide fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ENV_VARS = ("CLOSEDLOOP_HOME", "CLOSEDLOOP_DATA", "CLOSEDLOOP_WAREHOUSE", "DAGSTER_HOME", "DBT_LOG_PATH",
            "DBT_TARGET_PATH")


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test gets its own CLOSEDLOOP_HOME; settings exported by one test never leak into the next."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLOSEDLOOP_HOME", str(tmp_path / "state"))
