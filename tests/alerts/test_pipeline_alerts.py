"""`closedloop run` with alerts configured: a planted spike is told once, a failed step names itself.

Real demo data, real Dagster, dbt and themes; Slack and the webhook are a local HTTP server thread,
e-mail a local aiosmtpd server. The demo generator plants its incidents at least 30 days before the
data's end (closedloop/demo/timeline.py), so the spike test widens CLOSEDLOOP_ALERT_LOOKBACK_WEEKS to
the demo's two quarters; with the default (4 weeks) they would be history, not news.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

CLI = str(Path(sys.executable).with_name("closedloop"))


def _closedloop(*args: str, home: Path, alert_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOSEDLOOP_", "DAGSTER_", "DBT_"))}
    env |= {"CLOSEDLOOP_HOME": str(home), **alert_env}
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=env, timeout=1800, check=False)


def _spike_weeks(home: Path) -> list[tuple[str, date]]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute("SELECT th.theme_name, w.week_start_date FROM marts.fct_theme_weekly AS w "
                           "JOIN marts.dim_themes AS th USING (theme_id) WHERE w.is_spike").fetchall()
    finally:
        con.close()


def _planted_weeks(data: Path) -> set[str]:
    with (data / "truth" / "themes.csv").open(encoding="utf-8") as handle:
        return {week for row in csv.DictReader(handle) for week in row["incident_weeks"].split(";") if week}


@pytest.mark.slow
def test_a_planted_spike_is_told_once_to_slack_and_by_email_and_a_second_run_tells_nothing(
        tmp_path: Path, alert_env: dict[str, str], http_receiver: Any, smtp_receiver: Any) -> None:
    home, data = tmp_path / "state", tmp_path / "demo"
    env = {**alert_env, "CLOSEDLOOP_ALERT_LOOKBACK_WEEKS": "27"}
    made = _closedloop("demo-data", "--out", str(data), "--tickets", "1500", "--seed", "5", "--quarters", "2",
                       home=home, alert_env=env)
    assert made.returncode == 0, made.stderr
    first = _closedloop("run", "--data", str(data), home=home, alert_env=env)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]

    spikes = _spike_weeks(home)
    assert spikes, "the demo plants incidents; some week should be a spike"
    planted = _planted_weeks(data)
    assert any(f"{week.isocalendar().year}-W{week.isocalendar().week:02d}" in planted for _, week in spikes)
    (slack,) = http_receiver.bodies("/slack")
    assert set(slack) == {"text", "blocks"}
    assert slack["blocks"][0]["type"] == "header"
    (mail,) = smtp_receiver.messages
    (hook,) = http_receiver.bodies("/hook")
    for theme, week in spikes:
        assert f"Spike: {theme} (week of {week.isoformat()})" in slack["text"]
        assert f"Spike: {theme} (week of {week.isoformat()})" in mail.get_content()
    spike_events = [e for e in hook["events"] if e["kind"] == "theme_spike"]
    assert len(spike_events) == len(spikes)
    assert all(len(e["examples"]) == 3 and e["facts"]["tickets"] >= 5 for e in spike_events)
    assert "alerts: " in first.stdout

    second = _closedloop("run", "--data", str(data), home=home, alert_env=env)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert len(http_receiver.bodies("/slack")) == 1
    assert len(smtp_receiver.messages) == 1
    assert len(http_receiver.bodies("/hook")) == 1


def test_a_failed_step_is_told_once_by_name(tmp_path: Path, alert_env: dict[str, str], http_receiver: Any,
                                            smtp_receiver: Any) -> None:
    home, data = tmp_path / "state", tmp_path / "exports"
    data.mkdir()
    (data / "closedloop-sources.yml").write_text("tickets:\n  connector: freshdesk-api\n", encoding="utf-8")
    first = _closedloop("run", "--data", str(data), home=home, alert_env=alert_env)
    assert first.returncode != 0
    (slack,) = http_receiver.bodies("/slack")
    # Every loading step reads the sources file: the steps that failed on it are told together, once.
    assert "Run failed at steps raw_agents, " in slack["text"]
    assert "raw_groups" in slack["text"]
    assert slack["text"].count("Run failed") == 1
    assert "connector must be one of" in json.dumps(slack["blocks"])
    (mail,) = smtp_receiver.messages
    assert "Run failed at steps raw_agents, " in mail.get_content()

    again = _closedloop("run", "--data", str(data), home=home, alert_env=alert_env)
    assert again.returncode != 0
    assert len(http_receiver.bodies("/slack")) == 1
    assert len(smtp_receiver.messages) == 1
