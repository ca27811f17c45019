"""Benchmark: N demo tickets through ingest and ``dbt build`` on PostgreSQL, beside DuckDB, same exports.

Both engines take the same path as ``closedloop run`` (without themes and links: the topics and
review tables are created empty, as ``bench/dbt_build.py`` does):

* DuckDB: ``load_all`` into a new warehouse file, then ``dbt build`` (target ``dev``) on it;
* PostgreSQL: ``load_all`` into a new local file (DuckDB stays the ingest engine), the owned
  schemas copied to a new PostgreSQL database with COPY (``closedloop.core.pg.push_tables``), then
  ``dbt build`` (target ``postgres``), then the marts copied back into the local file for serving
  (``pull_tables``), as the pipeline does.

Each stage runs in a fresh child process: seconds are its wall time, peak memory its max RSS (for
dbt, the dbt process's). The PostgreSQL server's own memory is not in these figures (its processes
are not children); the database's size on disk is reported instead. The demo exports are generated
once and kept under ``$CLOSEDLOOP_HOME/bench`` (``./state/bench``). Prints a table and writes
``bench/results/pg_warehouse.json``.

Usage: python bench/pg_warehouse.py [--tickets 1000000] [--pg-url postgresql://user@host:port/db]
    (``--pg-url`` is an admin URL that may create databases; default ``$CLOSEDLOOP_TEST_PG_URL``,
    which ``.ci/with-postgres`` sets: ``.ci/with-postgres .venv/bin/python bench/pg_warehouse.py``)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from benchlib import write_results

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "pg_warehouse.json"
DBT = str(Path(sys.executable).with_name("dbt"))
OWNED = ("raw", "topics", "review")

INGEST = """
import json, resource, sys, time
from pathlib import Path
import duckdb
from closedloop.ingest import load_all
from closedloop.review.store import ensure_review_schema
from topics.store import ensure_schema
warehouse, data = Path(sys.argv[1]), Path(sys.argv[2])
started = time.perf_counter()
report = load_all(warehouse, data)
with duckdb.connect(str(warehouse)) as con:
    ensure_schema(con)
    ensure_review_schema(con)
seconds = time.perf_counter() - started
rows = {name: r.rows_in_table for name, r in report.entities.items()}
print(json.dumps({"seconds": seconds, "rows": rows,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

COPY = """
import json, resource, sys, time
from pathlib import Path
import duckdb
from closedloop.core.pg import pg_tables, pull_tables, push_tables, target_from_env
from closedloop.core.warehouse import schema_tables
warehouse, direction = Path(sys.argv[1]), sys.argv[2]
target = target_from_env()
started = time.perf_counter()
with duckdb.connect(str(warehouse)) as con:
    if direction == "push":
        copied = push_tables(con, target, schema_tables(con, sys.argv[3].split(",")))
    else:
        copied = pull_tables(con, target, pg_tables(target, "marts"))
print(json.dumps({"seconds": time.perf_counter() - started, "rows": sum(copied.values()), "tables": len(copied),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

BUILD = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, check=False)
print(json.dumps({"seconds": time.perf_counter() - started, "returncode": done.returncode,
                  "tail": done.stdout.splitlines()[-15:],
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def _child(script: str, args: list[str], env: dict[str, str], label: str) -> dict[str, Any]:
    print(f"{label} ...", flush=True)
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, env=env,
                         check=False)
    if out.returncode != 0:
        sys.exit(f"{label} failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["seconds"] = round(result["seconds"], 2)
    result["peak_mb"] = round(result["peak_mb"])
    return result


def prepare_exports(home: Path, tickets: int, seed: int) -> tuple[Path, float | None]:
    """The demo exports of ``tickets`` tickets, generated unless an earlier run left them."""
    from closedloop.demo import generate

    data = home / f"demo-{tickets}-seed{seed}"
    if (data / "truth" / "tickets.csv").exists():
        return data, None
    shutil.rmtree(data, ignore_errors=True)
    print(f"generating {tickets:,} demo tickets into {data} ...", flush=True)
    started = time.perf_counter()
    generate(data, tickets=tickets, seed=seed)
    return data, round(time.perf_counter() - started, 1)


def _base_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOSEDLOOP_", "DBT_"))}
    return env | {"DBT_SEND_ANONYMOUS_USAGE_STATS": "False", "DO_NOT_TRACK": "1", "DBT_LOG_PATH": str(work / "logs"),
                  "CLOSEDLOOP_HOME": str(work)}


def _dbt_build(env: dict[str, str], work: Path, label: str) -> dict[str, Any]:
    target = work / "target"
    command = [DBT, "build", "--project-dir", str(ROOT / "dbt_project"), "--profiles-dir", str(ROOT / "dbt_project"),
               "--target-path", str(target)]
    result = _child(BUILD, command, env, label)
    results_file = target / "run_results.json"
    if results_file.exists():
        nodes = json.loads(results_file.read_text())["results"]
        result["nodes"] = len(nodes)
        result["not_passed"] = [n["unique_id"] for n in nodes if n["status"] not in ("success", "pass")]
    if result["returncode"] != 0:
        print("\n".join(result["tail"]))
    return result


def run_duckdb(data: Path, work: Path) -> dict[str, Any]:
    """Ingest and dbt build on a new DuckDB file."""
    warehouse = work / "warehouse.duckdb"
    env = _base_env(work) | {"CLOSEDLOOP_WAREHOUSE": str(warehouse)}
    ingest = _child(INGEST, [str(warehouse), str(data)], env, "duckdb: ingest")
    build = _dbt_build(env, work, "duckdb: dbt build")
    return {"ingest": ingest, "dbt_build": build, "file_mb": round(warehouse.stat().st_size / 2**20)}


def run_postgres(data: Path, work: Path, url: str) -> dict[str, Any]:
    """Ingest locally, copy the owned schemas, dbt build on PostgreSQL, copy the marts back."""
    from closedloop.core.pg import target_from_env

    warehouse = work / "warehouse.duckdb"
    env = _base_env(work) | {"CLOSEDLOOP_WAREHOUSE": str(warehouse), "CLOSEDLOOP_WAREHOUSE_URL": url}
    target = target_from_env({"CLOSEDLOOP_WAREHOUSE_URL": url})
    assert target is not None
    env |= target.dbt_env()
    ingest = _child(INGEST, [str(warehouse), str(data)], env, "postgresql: ingest (local DuckDB)")
    push = _child(COPY, [str(warehouse), "push", ",".join(OWNED)], env, "postgresql: COPY raw, topics, review")
    build = _dbt_build(env, work, "postgresql: dbt build")
    pull = _child(COPY, [str(warehouse), "pull"], env, "postgresql: COPY marts back")
    with target.connect() as pg:
        row = pg.execute("select pg_database_size(current_database())").fetchone()
    return {"ingest": ingest, "copy_to_postgres": push, "dbt_build": build, "copy_marts_back": pull,
            "database_mb": round(int(str(row[0])) / 2**20) if row else None}


def _database(admin_url: str) -> tuple[str, str]:
    import psycopg

    name = f"closedloop_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'create database "{name}"')
    return name, admin_url.rsplit("/", 1)[0] + "/" + name


def _drop(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'drop database if exists "{name}" with (force)')


def print_table(report: dict[str, Any]) -> None:
    """Seconds and peak memory per stage and engine."""
    duck, pg = report["duckdb"], report["postgresql"]
    rows = [("ingest (DuckDB engine)", duck["ingest"], pg["ingest"]),
            ("COPY owned schemas to PostgreSQL", None, pg["copy_to_postgres"]),
            ("dbt build", duck["dbt_build"], pg["dbt_build"]),
            ("COPY marts back for serving", None, pg["copy_marts_back"])]
    print(f"\n{report['tickets']:,} tickets (raw.tickets {report['raw_rows'].get('tickets', 0):,} rows)")
    print(f"{'stage':<36}{'DuckDB s':>10}{'MB':>7}{'PostgreSQL s':>14}{'MB':>7}")
    print("-" * 74)
    for name, d, p in rows:
        left = f"{d['seconds']:>10.1f}{d['peak_mb']:>7}" if d else f"{'-':>10}{'-':>7}"
        print(f"{name:<36}{left}{p['seconds']:>14.1f}{p['peak_mb']:>7}")
    print(f"{'total':<36}{report['duckdb_total_seconds']:>10.1f}{'':>7}{report['postgresql_total_seconds']:>14.1f}")
    for engine, stage in (("DuckDB", duck["dbt_build"]), ("PostgreSQL", pg["dbt_build"])):
        state = "passed" if stage["returncode"] == 0 else f"FAILED: {stage.get('not_passed')}"
        print(f"dbt build on {engine}: {stage.get('nodes', '?')} nodes, {state}")
    print(f"DuckDB file {duck['file_mb']} MB; PostgreSQL database {pg['database_mb']} MB")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--pg-url", default=os.environ.get("CLOSEDLOOP_TEST_PG_URL", ""),
                        help="admin URL of a PostgreSQL server (a database is created and dropped)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not args.pg_url:
        sys.exit("needs --pg-url or CLOSEDLOOP_TEST_PG_URL (e.g. run under .ci/with-postgres)")
    home = Path(os.environ.get("CLOSEDLOOP_HOME", ROOT / "state")).resolve() / "bench"
    data, generated = prepare_exports(home, args.tickets, args.seed)
    work = home / "pg-warehouse"
    shutil.rmtree(work, ignore_errors=True)
    (work / "duckdb").mkdir(parents=True)
    (work / "postgresql").mkdir()
    duck = run_duckdb(data, work / "duckdb")
    name, url = _database(args.pg_url)
    try:
        pg = run_postgres(data, work / "postgresql", url)
    finally:
        _drop(args.pg_url, name)
    report = {"benchmark": "pg_warehouse", "tickets": args.tickets, "seed": args.seed,
              "generate_seconds": generated, "raw_rows": duck["ingest"]["rows"], "duckdb": duck, "postgresql": pg,
              "duckdb_total_seconds": round(duck["ingest"]["seconds"] + duck["dbt_build"]["seconds"], 1),
              "postgresql_total_seconds": round(sum(pg[k]["seconds"] for k in
                                                    ("ingest", "copy_to_postgres", "dbt_build", "copy_marts_back")), 1),
              "load_average": round(os.getloadavg()[0], 2)}
    print_table(report)
    write_results(args.out, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
