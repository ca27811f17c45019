"""The end of ``closedloop run``: a failed run is one message (checks, steps, quarantine); a good run clears it.

Slack is a local HTTP server thread; the warehouse is a real DuckDB file holding ``raw.quarantine``
rows written inline, as the ingest writes them.
"""

from __future__ import annotations

from typing import Any

import duckdb

from closedloop.core.settings import load_settings
from orchestration.defs.alerts.sensors import alert_run_outcome

CHECK = "raw_tickets tickets_meet_expectations: 3 rows with an empty ticket_id"
STEP = ("closedloop_dbt_assets", "dbt build failed: 2 tests failed")


def _quarantine(rows: int) -> None:
    warehouse = load_settings().warehouse
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse))
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute("CREATE TABLE raw.quarantine (entity VARCHAR, source_file VARCHAR, source_line BIGINT, "
                "field VARCHAR, reason VARCHAR, record VARCHAR, loaded_at TIMESTAMP)")
    con.executemany("INSERT INTO raw.quarantine VALUES ('tickets', 'zendesk/tickets.jsonl', ?, 'ticket_id', "
                    "'missing', '{}', now())", [(line,) for line in range(rows)])
    con.close()


def test_a_failed_run_is_one_message_naming_the_check_the_step_and_the_quarantine(
        alert_env: dict[str, str], monkeypatch: Any, http_receiver: Any) -> None:
    monkeypatch.setenv("CLOSEDLOOP_ALERT_QUARANTINE_MIN", "3")
    _quarantine(3)
    report = alert_run_outcome(load_settings(), False, [CHECK], [STEP], run_id="0123456789abcdef")
    assert report is not None
    assert report.sent == {"slack": 1, "webhook": 1, "email": 1}
    (slack,) = http_receiver.bodies("/slack")
    assert slack["blocks"][0]["text"]["text"] == "closedloop: 3 alerts (1 failed check, 1 failed step, 1 quarantine)"
    assert "Check failed: raw_tickets tickets_meet_expectations" in slack["text"]
    assert "Run failed at step closedloop_dbt_assets" in slack["text"]
    assert "3 rows quarantined" in slack["text"]
    assert "closedloop run 01234567 failed" in slack["blocks"][-1]["elements"][0]["text"]


def test_the_same_failure_again_is_quiet_until_a_good_run_has_cleared_it(
        alert_env: dict[str, str], http_receiver: Any) -> None:
    settings = load_settings()
    alert_run_outcome(settings, False, [CHECK], [STEP])
    alert_run_outcome(settings, False, [CHECK], [STEP])
    assert len(http_receiver.bodies("/slack")) == 1
    alert_run_outcome(settings, True, [], [])
    assert len(http_receiver.bodies("/slack")) == 1
    alert_run_outcome(settings, False, [CHECK], [STEP])
    assert len(http_receiver.bodies("/slack")) == 2


def test_a_malformed_alert_setting_does_not_hide_the_run_outcome(monkeypatch: Any) -> None:
    monkeypatch.setenv("CLOSEDLOOP_ALERT_MODE", "hourly")
    assert alert_run_outcome(load_settings(), False, [CHECK], [STEP]) is None
