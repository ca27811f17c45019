"""Fixtures for the dbt project tests: empty raw warehouses and a real ``dbt build``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pytest

from closedloop.ingest.schema import ENTITIES, create_all_sql, migrate_sql
from closedloop.review.store import ensure_review_schema
from topics.store import ensure_schema

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
DBT = Path(sys.executable).with_name("dbt")

Rows = Mapping[str, Sequence[Mapping[str, Any]]]


def _dbt_build(warehouse: Path, work_dir: Path, *args: str) -> str:
    """Run ``dbt build`` (models, seeds, data tests and unit tests) on ``warehouse``.

    Everything dbt writes (target, logs, partial parse) goes under ``work_dir``, nothing into
    the repository. The ``topics`` and ``review`` tables dbt reads as sources are created first (empty when no
    theme step ran), as the pipeline's theme step does. Returns dbt's output; fails the test with
    the output's tail if dbt fails.
    """
    with duckdb.connect(str(warehouse)) as con:
        ensure_schema(con)
        ensure_review_schema(con)
    env = {
        **os.environ,
        "CLOSEDLOOP_WAREHOUSE": str(warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DO_NOT_TRACK": "1",
        "DBT_LOG_PATH": str(work_dir / "dbt-logs"),
        "DBT_TARGET_PATH": str(work_dir / "dbt-target"),
    }
    command = [str(DBT), "build", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
               "--target-path", str(work_dir / "dbt-target"), *args]
    result = subprocess.run(command, env=env, cwd=work_dir, capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        pytest.fail("dbt build failed:\n" + "\n".join(output.splitlines()[-60:]), pytrace=False)
    return output


def _raw_warehouse(path: Path, rows: Rows) -> Path:
    """Create the empty raw tables at ``path`` and insert ``rows`` (table name -> dicts)."""
    with duckdb.connect(str(path)) as con:
        for statement in create_all_sql():
            con.execute(statement)
        for table, records in rows.items():
            for record in records:
                columns = ", ".join(record)
                marks = ", ".join("?" for _ in record)
                con.execute(f"insert into raw.{table} ({columns}) values ({marks})", list(record.values()))
        for entity in ENTITIES.values():  # redacted twins the rows leave out, as the ingestion fills them
            for statement in migrate_sql(entity):
                con.execute(statement)
    return path


@pytest.fixture(scope="session")
def dbt_build() -> Callable[..., str]:
    """``dbt_build(warehouse, work_dir, *extra_args)`` runs a real ``dbt build``."""
    return _dbt_build


@pytest.fixture(scope="session")
def raw_warehouse() -> Callable[[Path, Rows], Path]:
    """``raw_warehouse(path, rows)`` creates a warehouse with the raw tables and ``rows``."""
    return _raw_warehouse


def query(warehouse: Path, sql: str, *params: object) -> list[dict[str, Any]]:
    """Rows of ``sql`` on ``warehouse`` (opened read-only) as dicts."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture(scope="session")
def mart() -> Callable[..., list[dict[str, Any]]]:
    """``mart(warehouse, sql, *params)`` returns query rows as dicts."""
    return query
