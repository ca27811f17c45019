"""Embedding-worker settings come from the environment and a wrong value names the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from closedloop.core.errors import ClosedloopError
from closedloop.core.settings import load_settings


def test_workers_default_to_in_process_and_read_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    monkeypatch.setenv("CLOSEDLOOP_HOME", str(tmp_path))
    monkeypatch.delenv("CLOSEDLOOP_EMBED_WORKERS", raising=False)
    assert load_settings().embed_workers == 0
    monkeypatch.setenv("CLOSEDLOOP_EMBED_WORKERS", "2")
    monkeypatch.setenv("CLOSEDLOOP_EMBED_WORKER_BATCH", "64")
    assert (load_settings().embed_workers, load_settings().embed_worker_batch) == (2, 64)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("CLOSEDLOOP_EMBED_WORKERS", "-1", "CLOSEDLOOP_EMBED_WORKERS must be 0 or more, got -1"),
    ("CLOSEDLOOP_EMBED_WORKER_BATCH", "0", "CLOSEDLOOP_EMBED_WORKER_BATCH must be 1 or more, got 0"),
    ("CLOSEDLOOP_EMBED_WORKERS", "two", "CLOSEDLOOP_EMBED_WORKERS must be a whole number, got 'two'"),
])
def test_a_wrong_value_names_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str,
                                          message: str) -> None:
    monkeypatch.setenv("CLOSEDLOOP_HOME", str(tmp_path))
    monkeypatch.setenv(name, value)
    settings = load_settings()
    with pytest.raises(ClosedloopError, match=message):
        _ = settings.embed_workers if name.endswith("WORKERS") else settings.embed_worker_batch
