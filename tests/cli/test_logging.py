"""Every command logs each line once to the console and to $CLOSEDLOOP_HOME/logs/closedloop.log."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from closedloop.cli import common


def _exports(folder: Path) -> Path:
    (folder / "zendesk").mkdir(parents=True)
    ticket = {"id": 1, "created_at": "2024-03-01T09:00:00Z", "updated_at": "2024-03-01T10:00:00Z",
              "subject": "help", "description": "help", "status": "solved", "via": {"channel": "chat"}}
    (folder / "zendesk/tickets.jsonl").write_text(json.dumps(ticket) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def restore_closedloop_logger() -> Iterator[None]:
    """setup_logging rewires the ``closedloop`` logger; put back what the test process had."""
    logger = logging.getLogger("closedloop")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    yield
    for handler in logger.handlers:
        if handler not in saved[0]:
            handler.close()
    logger.handlers[:], logger.level, logger.propagate = saved


def test_ingest_prints_each_table_line_once_and_writes_it_to_the_log_file(tmp_path, run_closedloop):
    home = tmp_path / "state"
    done = run_closedloop("ingest", "--data", str(_exports(tmp_path / "exports")), home=home, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len(re.findall(r"^\d\d:\d\d:\d\d  raw_tickets: 1 read", done.stdout, flags=re.MULTILINE)) == 1, done.stdout
    logged = (home / "logs" / "closedloop.log").read_text(encoding="utf-8")
    assert len(re.findall(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO +closedloop\.ingest: raw_tickets: 1 read",
                          logged, flags=re.MULTILINE)) == 1, logged


def test_a_second_command_appends_to_the_same_log_file(tmp_path, run_closedloop):
    home, data = tmp_path / "state", _exports(tmp_path / "exports")
    for _ in range(2):
        assert run_closedloop("ingest", "--data", str(data), home=home, timeout=300).returncode == 0
    logged = (home / "logs" / "closedloop.log").read_text(encoding="utf-8")
    assert len(re.findall(r"closedloop\.ingest: raw_tickets: 1 read", logged)) == 2


@pytest.mark.usefixtures("restore_closedloop_logger")
def test_the_log_file_rolls_over_and_keeps_five_older_files(tmp_path, monkeypatch):
    monkeypatch.setenv("CLOSEDLOOP_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(common, "LOG_FILE_BYTES", 1000)
    common.setup_logging()
    log = logging.getLogger("closedloop.test")
    for line in range(200):
        log.info(f"line {line:04d} " + "x" * 80)
    logs = tmp_path / "state" / "logs"
    assert sorted(p.name for p in logs.iterdir()) == ["closedloop.log", *(f"closedloop.log.{i}" for i in range(1, 6))]
    assert all(p.stat().st_size <= 1000 for p in logs.iterdir())
    assert "line 0199" in (logs / "closedloop.log").read_text(encoding="utf-8")
