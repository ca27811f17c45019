"""The lock files install what pyproject.toml declares, on CPU, with one duckdb across both virtualenvs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pins(lock: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / lock).read_text(encoding="utf-8").splitlines():
        if match := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line):
            pins[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return pins


def _declared() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["dev"]]


def test_the_project_lock_pins_every_declared_dependency():
    pins = _pins("dev.lock")
    names = [re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", req)[0]).lower() for req in _declared()]
    assert [name for name in names if name not in pins] == []


def test_the_project_lock_takes_torchs_cpu_build_and_no_cuda_packages():
    pins = _pins("dev.lock")
    assert re.fullmatch(r"2\.13\.\d+\+cpu", pins["torch"]), pins["torch"]
    assert [name for name in pins if name.startswith(("nvidia-", "cuda-", "triton"))] == []


def test_dbt_core_stays_below_1_12():
    major, minor = (int(part) for part in _pins("dev.lock")["dbt-core"].split(".")[:2])
    assert (major, minor) < (1, 12)


def test_superset_reads_the_warehouse_with_the_projects_duckdb():
    project, superset = _pins("dev.lock"), _pins("superset.lock")
    assert superset["duckdb"] == project["duckdb"]
    assert superset["apache-superset"] == "6.1.0"
    assert superset["flask-caching"] == "2.3.1"
    assert {"duckdb-engine", "rich", "cachetools"} <= superset.keys()
