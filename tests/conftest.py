"""Suite-wide fixtures."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

ENV_VARS = ("CLOSEDLOOP_HOME", "CLOSEDLOOP_DATA", "CLOSEDLOOP_WAREHOUSE", "DAGSTER_HOME", "DBT_LOG_PATH",
            "DBT_TARGET_PATH", "CLOSEDLOOP_WAREHOUSE_URL", "CLOSEDLOOP_DBT_TARGET")
CLI = str(Path(sys.executable).with_name("closedloop"))


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test gets its own CLOSEDLOOP_HOME; settings exported by one test never leak into the next."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLOSEDLOOP_HOME", str(tmp_path / "state"))


DEMO_LINKS = {"CLOSEDLOOP_ZENDESK_SUBDOMAIN": "closedloop-demo",
              "CLOSEDLOOP_TRACKER_ITEM_URL": "https://closedloop-demo.atlassian.net/browse/{key}"}
"""Drill-through settings of the shared demo run: its marts carry ticket and item links."""


def run_cli(*args: str, home: Path, timeout: int = 900,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed ``closedloop`` command as a user would, with ``home`` as CLOSEDLOOP_HOME (plus ``env``)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CLOSEDLOOP_", "DAGSTER_", "DBT_"))} | {"CLOSEDLOOP_HOME": str(home)} | (env or {})
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=env, timeout=timeout,
                          check=False)


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """The dbt manifest the Dagster definitions load (parsed when missing or stale, as ``make setup`` does)."""
    from orchestration.defs.transform.resources import prepare_manifest

    return prepare_manifest()


@pytest.fixture(scope="session")
def run_closedloop() -> Callable[..., subprocess.CompletedProcess[str]]:
    """The installed ``closedloop`` command: ``run_closedloop("run", "--data", d, home=h)``."""
    return run_cli


@pytest.fixture(scope="session")
def demo_pipeline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One `closedloop demo-data` (1,500 tickets, seed 3) and one `closedloop run` (with :data:`DEMO_LINKS`), shared.

    Built once per session because a run embeds real text with the real model (minutes on this
    machine). Tests that read it must not write to its warehouse; ``home``, ``data`` and the
    finished ``run`` process are returned.
    """
    root = tmp_path_factory.mktemp("demo_pipeline")
    home, data = root / "state", root / "demo"
    generated = run_cli("demo-data", "--out", str(data), "--tickets", "1500", "--seed", "3", home=home)
    assert generated.returncode == 0, generated.stderr
    run = run_cli("run", "--data", str(data), home=home, env=DEMO_LINKS)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return {"home": home, "data": data, "run": run}


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    """Admin URL of the throw-away PostgreSQL server ``make test-postgres`` starts (``.ci/with-postgres``).

    Tests that need it are marked ``postgres``; without the server (``make test``) they are skipped.
    """
    url = os.environ.get("CLOSEDLOOP_TEST_PG_URL", "")
    if not url:
        pytest.skip("needs PostgreSQL: run `make test-postgres`")
    return url


@pytest.fixture
def pg_warehouse_url(pg_server_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server, as a ``CLOSEDLOOP_WAREHOUSE_URL``; dropped after."""
    import psycopg

    name = f"closedloop_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        admin.execute(f'create database "{name}"')
    yield pg_server_url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        admin.execute(f'drop database if exists "{name}" with (force)')


class BagOfWordsEmbedder:
    """Deterministic stand-in for a model: hashed word counts, L2-normalized; counts its calls."""

    model_id = "fake-bag-of-words"
    dim = 256

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded.extend(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


@pytest.fixture
def bag_of_words_embedder() -> BagOfWordsEmbedder:
    """A fresh deterministic embedder that records what it embedded."""
    return BagOfWordsEmbedder()
