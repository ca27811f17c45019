"""Theme asset checks, run on a real DuckDB warehouse with hand-written topics rows."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from closedloop.ingest import open_warehouse
from orchestration.defs.topics.assets import ticket_themes
from orchestration.defs.topics.checks import MIN_ASSIGNMENT_AGREEMENT, daily_assignment_agrees_with_refit
from orchestration.resources import ClosedloopResource
from topics.store import ensure_schema


def _resource(tmp_path: Path, agreement_rows: list[tuple]) -> ClosedloopResource:
    warehouse = tmp_path / "wh.duckdb"
    con = open_warehouse(warehouse)
    ensure_schema(con)
    try:
        for row in agreement_rows:
            con.execute("INSERT INTO topics.assignment_agreement VALUES (?, ?::TIMESTAMP, ?, ?, ?)", row)
    finally:
        con.close()
    return ClosedloopResource(warehouse=str(warehouse), data_dir=str(tmp_path))


def test_agreement_check_passes_before_any_daily_assignment_was_compared(tmp_path):
    result = daily_assignment_agrees_with_refit(closedloop=_resource(tmp_path, []))
    assert result.passed
    assert result.metadata["status"].value == "no daily assignments compared yet"


def test_agreement_check_passes_when_the_latest_refit_confirmed_most_daily_themes(tmp_path):
    rows = [("20240301T000000", "2024-03-01 00:00:00", 100, 50, 0.5),
            ("20240308T000000", "2024-03-08 00:00:00", 100, 90, 0.9)]
    result = daily_assignment_agrees_with_refit(closedloop=_resource(tmp_path, rows))
    assert result.passed
    assert result.metadata["agreement_share"].value == 0.9
    assert result.metadata["assigned_tickets"].value == 100
    assert result.metadata["model_version"].value == "20240308T000000"


def test_agreement_check_fails_without_blocking_when_the_latest_refit_overturned_many_daily_themes(tmp_path):
    rows = [("20240301T000000", "2024-03-01 00:00:00", 100, 95, 0.95),
            ("20240308T000000", "2024-03-08 00:00:00", 40, 20, 0.5)]
    result = daily_assignment_agrees_with_refit(closedloop=_resource(tmp_path, rows))
    assert not result.passed
    assert result.metadata["agreement_share"].value == 0.5
    assert result.metadata["threshold"].value == MIN_ASSIGNMENT_AGREEMENT
    assert not next(iter(daily_assignment_agrees_with_refit.check_specs)).blocking


def _insert_tickets(warehouse: Path, start: int, per_subject: int) -> None:
    subjects = ["withdrawal stuck for {n} hours, where is my money", "KYC verification rejected, passport {n}",
                "the app crashes when I open the wallet, version {n}"]
    con = open_warehouse(warehouse)
    ensure_schema(con)
    try:
        for s, template in enumerate(subjects):
            for k in range(per_subject):
                text = template.format(n=start + k)
                con.execute("INSERT INTO raw.tickets (ticket_id, created_at, updated_at, subject, body, "
                            "subject_redacted, body_redacted, status, channel) VALUES "
                            "(?, TIMESTAMP '2024-03-01', TIMESTAMP '2024-03-02', ?, ?, ?, ?, 'solved', 'chat')",
                            [str(start + s * 1000 + k), text, text, text, text])
    finally:
        con.close()


def test_a_weekly_refit_in_dagster_reports_agreement_and_runs_the_check(tmp_path):
    """Materializes the real theme assets (packaged embedding model) three times: fit, daily assignment, refit."""
    resource = _resource(tmp_path, [])
    _insert_tickets(resource.warehouse_path, 10_000, 10)

    def run(force_refit: bool) -> dg.ExecuteInProcessResult:
        config = {"ops": {"ticket_themes": {"config": {"force_refit": force_refit}}}}
        return dg.materialize([ticket_themes, daily_assignment_agrees_with_refit], resources={"closedloop": resource},
                              run_config=config)

    assert run(False).success
    _insert_tickets(resource.warehouse_path, 20_000, 2)
    assert run(False).success
    result = run(True)
    metadata = next(m.materialization.metadata for m in result.get_asset_materialization_events()
                    if m.asset_key == dg.AssetKey("topics_ticket_themes"))
    assert metadata["mode"].value == "fit"
    assert metadata["assignment_compared"].value == 6
    (check,) = result.get_asset_check_evaluations()
    assert check.check_name == "daily_assignment_agrees_with_refit"
    assert check.metadata["assigned_tickets"].value == 6
    assert metadata["assignment_agreement"].value == 1.0
    assert check.passed
