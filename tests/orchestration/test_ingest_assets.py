"""Raw assets and their Great Expectations checks, materialized by Dagster in-process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from orchestration.defs.ingest.assets import build_raw_asset
from orchestration.defs.ingest.checks import build_expectations_check
from orchestration.resources import ClosedloopResource


def _ticket(ticket_id: int, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": ticket_id, "created_at": "2024-03-01T09:00:00Z", "updated_at": "2024-03-01T10:00:00Z",
        "subject": "Withdrawal stuck", "description": f"my mail is user{ticket_id}@example.org, withdrawal pending",
        "status": "solved", "priority": "high", "via": {"channel": "email"},
        "custom_fields": [{"id": 360010000001, "value": "es"}], "metric_set": {"solved_at": "2024-03-01T10:00:00Z"},
    }
    row.update(overrides)
    return row


def _materialize(tmp_path: Path, tickets: list[dict[str, Any]]) -> tuple[dg.ExecuteInProcessResult, list[str]]:
    data = tmp_path / "exports"
    (data / "zendesk").mkdir(parents=True)
    (data / "zendesk/tickets.jsonl").write_text("".join(json.dumps(t) + "\n" for t in tickets))
    built: list[str] = []

    @dg.asset(deps=["raw_tickets"])
    def downstream_report() -> None:
        built.append("downstream_report")

    result = dg.materialize(
        [build_raw_asset("tickets"), build_expectations_check("tickets"), downstream_report],
        resources={"closedloop": ClosedloopResource(warehouse=str(tmp_path / "wh.duckdb"), data_dir=str(data))},
        raise_on_error=False,
    )
    return result, built


def test_raw_asset_reports_row_counts_and_redacts_text(tmp_path):
    result, built = _materialize(tmp_path, [_ticket(1), _ticket(2), _ticket(3, via={"channel": "fax"})])
    assert result.success
    assert built == ["downstream_report"]
    (materialization,) = [m for m in result.get_asset_materialization_events()
                          if m.asset_key == dg.AssetKey("raw_tickets")]
    metadata = materialization.materialization.metadata
    assert metadata["dagster/row_count"].value == 2
    assert metadata["rows_quarantined"].value == 1
    con = duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True)
    assert con.execute("SELECT DISTINCT body_redacted FROM raw.tickets").fetchall() == [
        ("my mail is <EMAIL>, withdrawal pending",)]


def test_failing_expectation_blocks_downstream_assets(tmp_path):
    # A solved ticket exported without metric_sets has no solve time: every row is valid on its
    # own, but the table breaks the "solved tickets have solved_at" expectation.
    result, built = _materialize(tmp_path, [_ticket(1), _ticket(2, metric_set=None)])
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.check_name == "tickets_meet_expectations"
    assert not evaluation.passed
    assert "solved_at" in (evaluation.description or "")
    assert built == []
    assert not result.success


def test_raw_asset_also_loads_exports_dropped_in_the_inbox(tmp_path):
    data, inbox = tmp_path / "exports", tmp_path / "inbox"
    (data / "zendesk").mkdir(parents=True)
    (inbox / "zendesk").mkdir(parents=True)
    (data / "zendesk/tickets.jsonl").write_text(json.dumps(_ticket(1)) + "\n")
    (inbox / "zendesk/tickets-new.jsonl").write_text(json.dumps(_ticket(2)) + "\n")
    resource = ClosedloopResource(warehouse=str(tmp_path / "wh.duckdb"), data_dir=str(data), inbox_dir=str(inbox))
    result = dg.materialize([build_raw_asset("tickets")], resources={"closedloop": resource})
    assert result.success
    con = duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True)
    assert con.execute("SELECT ticket_id FROM raw.tickets ORDER BY 1").fetchall() == [("1",), ("2",)]
