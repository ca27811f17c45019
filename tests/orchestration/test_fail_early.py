"""A mapping that cannot hold is said at the start of `closedloop run`, not by a dbt test after the embedding.

The real CLI on a folder of three App Store reviews whose mapping puts the app's name into
``group_id`` (no groups are exported). The run is stopped once the line has been read: what
matters is how soon it comes, and that it comes before any theme step.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

CLI = str(Path(sys.executable).with_name("closedloop"))

REVIEWS = """review_id,date,title,content,stars,app
r1,2024-03-01T10:00:00Z,Crashes,App crashes when I open my wallet,1,Acme Wallet
r2,2024-03-02T10:00:00Z,Great,Love the new design,5,Acme Wallet
r3,2024-03-03T10:00:00Z,,Cannot log in after the update,2,Acme Wallet
"""

MAPPING = """tickets:
  connector: generic
  kind: review
  files: appstore/reviews*.csv
  columns: {ticket_id: review_id, created_at: date, subject: title, body: content, rating: stars, group_id: app}
"""


def _lines_until(run: subprocess.Popen[str], needle: str, timeout: float) -> tuple[list[str], float | None]:
    """Lines the run printed up to the first holding ``needle``, and seconds from start to it (None if never)."""
    started, lines = time.monotonic(), []
    assert run.stdout is not None
    while time.monotonic() - started < timeout:
        line = run.stdout.readline()
        if not line:
            break
        lines.append(line)
        if needle in line:
            return lines, time.monotonic() - started
    return lines, None


def test_an_app_name_mapped_to_group_id_is_named_with_file_line_and_field_within_ten_seconds(tmp_path):
    data = tmp_path / "exports"
    (data / "appstore").mkdir(parents=True)
    (data / "appstore/reviews.csv").write_text(REVIEWS, encoding="utf-8")
    (data / "closedloop-sources.yml").write_text(MAPPING, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOSEDLOOP_", "DAGSTER_", "DBT_"))}
    run = subprocess.Popen([CLI, "run", "--data", str(data)], env=env | {"CLOSEDLOOP_HOME": str(tmp_path / "state")},
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        lines, seconds = _lines_until(run, "field group_id", timeout=120)
    finally:
        os.killpg(run.pid, signal.SIGTERM)  # its own session: the run and whatever it started, nothing else
        run.wait(timeout=60)
    assert seconds is not None, "".join(lines[-20:])
    assert f"{data / 'appstore/reviews.csv'} line 2, field group_id: 'Acme Wallet'" in lines[-1]
    assert "map it to source_name" in lines[-1]
    assert not any("theme" in line for line in lines), "said before any theme step"
    assert seconds < 10, f"{seconds:.1f}s"
