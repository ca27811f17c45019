"""The command line prints user errors in one line and exits non-zero."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from closedloop.cli import main


def _zendesk_ticket_line(ticket_id: int) -> str:
    return json.dumps({"id": ticket_id, "created_at": "2024-03-01T09:00:00Z", "updated_at": "2024-03-01T10:00:00Z",
                       "subject": "help", "description": "help", "status": "open", "via": {"channel": "chat"}})


def test_a_file_that_cannot_be_read_at_all_exits_non_zero_naming_the_file(tmp_path, monkeypatch, capsys):
    data = tmp_path / "exports"
    (data / "jira").mkdir(parents=True)
    (data / "jira/issues-0000.json").write_text("<html>502 Bad Gateway</html>")
    monkeypatch.setenv("CLOSEDLOOP_HOME", str(tmp_path / "state"))
    code = main(["ingest", "--data", str(data)])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1
    assert str(data / "jira/issues-0000.json") in err
    assert "not valid JSON" in err


def test_a_csv_without_a_mapped_required_column_names_file_and_column(tmp_path, monkeypatch, capsys):
    data = tmp_path / "exports"
    (data / "qa").mkdir(parents=True)
    (data / "qa/qa_reviews.csv").write_text("review_id,ticket_id\nr1,1\n")
    monkeypatch.setenv("CLOSEDLOOP_HOME", str(tmp_path / "state"))
    code = main(["ingest", "--data", str(data)])
    err = capsys.readouterr().err
    assert code == 2
    assert "qa_reviews.csv" in err
    assert "agent_id" in err


def test_ingest_prints_a_line_per_raw_table_with_counts(tmp_path, monkeypatch, capsys):
    data = tmp_path / "exports"
    (data / "zendesk").mkdir(parents=True)
    (data / "zendesk/tickets.jsonl").write_text(_zendesk_ticket_line(1) + "\n{oops\n")
    monkeypatch.setenv("CLOSEDLOOP_HOME", str(tmp_path / "state"))
    assert main(["ingest", "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert "raw_tickets: 2 read from 1 file(s), 1 valid, 1 quarantined" in out
    assert (tmp_path / "state/warehouse.duckdb").exists()


def test_console_script_is_installed_and_shows_every_command():
    out = subprocess.run([str(Path(sys.executable).with_name("closedloop")), "--help"], capture_output=True,
                         text=True, check=True).stdout
    for command in ("demo-data", "ingest", "run", "summary"):
        assert command in out


def test_summary_names_the_folder_ingest_read_and_each_source_with_what_a_rule_filled(tmp_path, monkeypatch, capsys):
    data = tmp_path / "my exports"
    (data / "playstore").mkdir(parents=True)
    (data / "playstore/reviews.csv").write_text("id,at,text,stars\ng1,2024-03-01T10:00:00Z,Crash on start,1\n"
                                                "g2,2024-03-02T10:00:00Z,Works,5\n")
    (data / "closedloop-sources.yml").write_text(json.dumps({"tickets": {
        "connector": "generic", "kind": "review", "files": "playstore/reviews*.csv",
        "columns": {"ticket_id": "id", "created_at": "at", "body": "text", "rating": "stars"}}}))
    monkeypatch.setenv("CLOSEDLOOP_HOME", str(tmp_path / "state"))
    assert main(["ingest", "--data", str(data)]) == 0
    capsys.readouterr()
    assert main(["summary"]) == 0
    out = capsys.readouterr().out
    assert f"exports     {data}\n" in out
    assert "sources: playstore 2 (by rule: channel, solved_at, status, updated_at)" in out
