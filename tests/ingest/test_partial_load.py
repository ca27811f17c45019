"""One entity's unreadable file does not stop the others, and nothing of that entity is half-merged."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from closedloop.core.errors import UnreadableFileError
from closedloop.ingest import load_all
from closedloop.ingest.config import load_config
from closedloop.ingest.load import load_entity, open_warehouse

QA_HEADER = "review_id,ticket_id,agent_id,reviewer_id,reviewed_at,tone,accuracy,compliance,resolution,comment\n"


def _count(warehouse: Path, table: str) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return int(con.execute(f"SELECT count(*) FROM raw.{table}").fetchone()[0])


def _break_tickets(kind: str, zendesk: Path) -> Path:
    """Make ``zendesk/tickets.jsonl`` unreadable in the way ``kind`` says; return its path."""
    path = zendesk / "tickets.jsonl"
    if kind == "folder":
        path.unlink()
        path.mkdir()
    elif kind == "corrupt_gzip":
        path.write_bytes(gzip.compress(path.read_bytes())[:40])
    elif kind == "dangling_link":
        path.unlink()
        path.symlink_to(zendesk / "gone.jsonl")
    elif kind == "permission_denied":
        path.chmod(0)
    return path


@pytest.mark.parametrize(
    ("kind", "reason"),
    [("folder", "is a folder"), ("corrupt_gzip", "gzip"), ("dangling_link", "No such file"),
     pytest.param("permission_denied", "Permission denied",
                  marks=pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode"))],
)
def test_an_unreadable_tickets_file_is_reported_and_the_other_entities_load(export_dir, warehouse, ticket, jsonl,
                                                                            kind, reason):
    zendesk = export_dir / "zendesk"
    jsonl(zendesk / "tickets.jsonl", [ticket(1), ticket(2)])
    jsonl(zendesk / "groups.jsonl", [{"id": 2, "name": "L1"}])
    jsonl(zendesk / "users.jsonl", [{"id": 1001, "name": "Ana", "role": "agent"}])
    path = _break_tickets(kind, zendesk)
    report = load_all(warehouse, export_dir)
    assert report.partial
    (error,) = report.errors
    assert error.startswith(f"raw_tickets: cannot read {path}")
    assert reason in error
    assert report.entities["groups"].rows_in_table == 1
    assert report.entities["agents"].rows_in_table == 1
    assert _count(warehouse, "tickets") == 0


@pytest.mark.parametrize(
    ("header", "reason"),
    [('"review_id,ticket_id,agent_id', "missing column(s)"),
     (QA_HEADER.strip() + ",tone", "column(s) tone appear more than once")],
    ids=["unterminated_quote", "mapped_column_twice"],
)
def test_a_csv_with_a_broken_header_fails_its_entity_only(export_dir, warehouse, ticket, jsonl, header, reason):
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1)])
    (export_dir / "qa").mkdir()
    (export_dir / "qa/qa_reviews.csv").write_text(header + "\nq1,1,1001,7,2024-03-03T00:00:00Z,90,80,100,70,,90\n")
    report = load_all(warehouse, export_dir)
    (error,) = report.errors
    assert error.startswith(f"raw_qa_audits: cannot read {(export_dir / 'qa/qa_reviews.csv').resolve()}")
    assert reason in error
    assert _count(warehouse, "tickets") == 1


def test_a_file_failing_after_others_loaded_leaves_the_entity_as_it_was(export_dir, warehouse, ticket, jsonl):
    """Files load in name order: the first two merge before the third turns out to be a folder; neither stays."""
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1), "{broken"])
    load_all(warehouse, export_dir)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        before = con.execute("SELECT * FROM raw.tickets").fetchall()
        quarantine_before = con.execute("SELECT entity, source_line, reason FROM raw.quarantine").fetchall()
    jsonl(export_dir / "zendesk/tickets.jsonl", [ticket(1, updated_at="2024-03-02T09:00:00Z", subject="v2"), ticket(2)])
    (export_dir / "zendesk/tickets2.jsonl").write_bytes(
        b"\n".join(json.dumps(ticket(n)).encode() for n in range(3, 3000)) + b"\n")
    con = open_warehouse(warehouse)
    try:
        spec = load_config()["tickets"]
        broken = export_dir / "zendesk/tickets3.jsonl"
        broken.mkdir()
        with pytest.raises(UnreadableFileError, match="is a folder"):
            load_entity(con, spec, export_dir)
    finally:
        con.close()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT * FROM raw.tickets").fetchall() == before
        assert con.execute("SELECT entity, source_line, reason FROM raw.quarantine").fetchall() == quarantine_before


def test_the_ingest_command_exits_non_zero_naming_the_file_when_the_load_is_partial(tmp_path, export_dir, ticket,
                                                                                     jsonl):
    jsonl(export_dir / "zendesk/groups.jsonl", [{"id": 2, "name": "L1"}])
    (export_dir / "zendesk/tickets.jsonl").mkdir()
    env = {**os.environ, "CLOSEDLOOP_HOME": str(tmp_path / "home")}
    result = subprocess.run([str(Path(sys.executable).with_name("closedloop")), "ingest", "--data", str(export_dir)],
                            env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"closedloop: raw_tickets: cannot read {export_dir / 'zendesk/tickets.jsonl'}: is a folder")
    assert "partial load: 10 of 11 tables loaded" in line
    with duckdb.connect(str(tmp_path / "home/warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw.groups").fetchone() == (1,)
