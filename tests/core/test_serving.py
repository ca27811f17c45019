"""The serving warehouse: a complete copy of the marts, swapped in atomically."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pytest

from closedloop.core.errors import ClosedloopError
from closedloop.core.serving import publish_marts


def _warehouse(path: Path, rows: int) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create schema if not exists staging")
        con.execute(f"create or replace table marts.fct_tickets as select range as ticket_id from range({rows})")
        con.execute("create or replace table staging.private as select 1 as x")
    return path


def _rows(serving: Path) -> int:
    with duckdb.connect(str(serving), read_only=True) as con:
        return int(con.execute("select count(*) from marts.fct_tickets").fetchone()[0])  # type: ignore[index]


def test_publishing_copies_the_marts_and_nothing_else(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "warehouse.duckdb", 10)
    report = publish_marts(warehouse, tmp_path / "serving" / "closedloop.duckdb")
    assert report.tables == {"fct_tickets": 10}
    with duckdb.connect(str(report.path), read_only=True) as con:
        schemas = {row[0] for row in con.execute("select schema_name from information_schema.schemata").fetchall()}
    assert "marts" in schemas
    assert "staging" not in schemas
    assert [p.name for p in report.path.parent.iterdir()] == ["closedloop.duckdb"]


def test_a_reader_connected_during_a_publish_keeps_reading_the_previous_copy(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "warehouse.duckdb", 10)
    serving = tmp_path / "serving" / "closedloop.duckdb"
    publish_marts(warehouse, serving)
    reader = duckdb.connect(str(serving), read_only=True)
    try:
        _warehouse(warehouse, 25)
        publish_marts(warehouse, serving)
        assert reader.execute("select count(*) from marts.fct_tickets").fetchone() == (10,)
    finally:
        reader.close()
    assert _rows(serving) == 25


def test_readers_never_see_a_half_written_serving_file(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "warehouse.duckdb", 200_000)
    serving = tmp_path / "serving" / "closedloop.duckdb"
    publish_marts(warehouse, serving)
    seen: list[int] = []
    errors: list[Exception] = []
    done = threading.Event()

    def read_continuously() -> None:
        while not done.is_set():
            try:
                seen.append(_rows(serving))
            except Exception as exc:  # any failure to open or read is what this test forbids
                errors.append(exc)

    thread = threading.Thread(target=read_continuously)
    thread.start()
    try:
        for rows in (300_000, 200_000, 300_000):
            _warehouse(warehouse, rows)
            publish_marts(warehouse, serving)
    finally:
        done.set()
        thread.join()
    assert errors == []
    assert seen
    assert set(seen) <= {200_000, 300_000}


def test_publishing_a_warehouse_without_marts_names_the_missing_schema(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(warehouse)).close()
    with pytest.raises(ClosedloopError, match="no tables in schema 'marts'"):
        publish_marts(warehouse, tmp_path / "serving" / "closedloop.duckdb")
    assert not (tmp_path / "serving" / "closedloop.duckdb").exists()
