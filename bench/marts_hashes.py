"""Same marts on both engines: per-table hashes of what dbt built on PostgreSQL and on DuckDB.

Reads a state folder that a ``closedloop run`` with ``CLOSEDLOOP_WAREHOUSE_URL`` built: the marts
dbt built on PostgreSQL, then runs ``dbt build`` on DuckDB over a copy of the same folder's local
warehouse (the very raw, topics and review tables the PostgreSQL build read) and hashes both
(``closedloop.core.warehouse.table_fingerprints``: rows as text, floats rounded to 6 places,
sorted, md5). Prints a table and writes ``bench/results/marts_hashes.json``.

    export CLOSEDLOOP_HOME=/tmp/pg-demo CLOSEDLOOP_WAREHOUSE_URL=postgresql://user@127.0.0.1:5432/closedloop
    .venv/bin/closedloop demo-data --out $CLOSEDLOOP_HOME/demo --seed 42
    .venv/bin/closedloop run --data $CLOSEDLOOP_HOME/demo
    .venv/bin/python bench/marts_hashes.py
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

from closedloop.core.pg import pg_tables, pull_tables
from closedloop.core.settings import DBT_PROJECT_DIR, load_settings
from closedloop.core.warehouse import shared_warehouse, table_fingerprints

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "marts_hashes.json"
Fingerprints = dict[str, tuple[int, str]]


def postgres_marts() -> Fingerprints:
    """Hashes of the marts on the configured PostgreSQL warehouse."""
    target = shared_warehouse()
    if target is None:
        sys.exit("set CLOSEDLOOP_WAREHOUSE_URL to the PostgreSQL warehouse the run built")
    with duckdb.connect() as con:
        pull_tables(con, target, pg_tables(target, "marts"))
        return table_fingerprints(con, "marts")


def duckdb_marts(warehouse: Path) -> Fingerprints:
    """Hashes of the marts ``dbt build`` makes on DuckDB from a copy of ``warehouse``."""
    with tempfile.TemporaryDirectory(prefix="marts-hashes-") as work:
        copy = Path(work) / "warehouse.duckdb"
        shutil.copyfile(warehouse, copy)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOSEDLOOP_", "DBT_"))} | {
            "CLOSEDLOOP_WAREHOUSE": str(copy), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
            "DBT_LOG_PATH": str(Path(work) / "logs")}
        command = [str(Path(sys.executable).with_name("dbt")), "build", "--project-dir", str(DBT_PROJECT_DIR),
                   "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(Path(work) / "target")]
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            sys.exit("dbt build on DuckDB failed:\n" + "\n".join(result.stdout.splitlines()[-40:]))
        with duckdb.connect(str(copy), read_only=True) as con:
            return table_fingerprints(con, "marts")


def main(argv: list[str] | None = None) -> int:
    """Print the table of hashes; exit 1 when a table differs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=None,
                        help="the run's local DuckDB file (default: $CLOSEDLOOP_HOME/warehouse.duckdb)")
    args = parser.parse_args(argv)
    shared = postgres_marts()
    local = duckdb_marts(args.warehouse or load_settings().warehouse)
    tables = sorted(set(shared) | set(local))
    width = max([28, *(len(t) + 1 for t in tables)])
    print(f"{'mart':<{width}}{'rows':>8}  {'PostgreSQL md5':<34}{'DuckDB md5':<34}same")
    print("-" * (width + 82))
    for table in tables:
        rows, pg_hash = shared.get(table, (0, "-"))
        duck_hash = local.get(table, (0, "-"))[1]
        same = "yes" if shared.get(table) == local.get(table) else "NO"
        print(f"{table:<{width}}{rows:>8,}  {pg_hash:<34}{duck_hash:<34}{same}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"postgres": shared, "duckdb": local, "same": shared == local}, indent=1) + "\n",
                       encoding="utf-8")
    return 0 if shared == local else 1


if __name__ == "__main__":
    raise SystemExit(main())
