"""Benchmark: ``dbt build`` (models, seeds, data tests, unit tests) on 1,000,000 demo tickets.

Generates the demo exports and ingests them once, keeping both under ``$CLOSEDLOOP_HOME/bench``
(``./state/bench`` by default) so later runs reuse them; each run copies the raw warehouse and
times a real ``dbt build`` on the copy. Prints a table and writes
``bench/results/dbt_build.json``.

    .venv/bin/python bench/dbt_build.py                 # 1,000,000 tickets
    .venv/bin/python bench/dbt_build.py --tickets 100000 --runs 2

Target: under 60 seconds on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import duckdb

from closedloop.demo import generate
from closedloop.ingest import load_all
from closedloop.ingest.schema import create_all_sql
from closedloop.review.store import ensure_review_schema
from topics.store import ensure_schema

ROOT = Path(__file__).resolve().parent.parent
PROJECT_DIR = ROOT / "dbt_project"
RESULTS = ROOT / "bench" / "results" / "dbt_build.json"
TARGET_SECONDS = 60.0
RAW_TABLES = ("tickets", "ticket_events", "satisfaction_ratings", "qa_audits", "backlog_items", "agents", "groups")


def bench_home() -> Path:
    """Folder that keeps the generated exports and the raw warehouse between runs."""
    return Path(os.environ.get("CLOSEDLOOP_HOME", ROOT / "state")).resolve() / "bench"


def prepare_raw(home: Path, tickets: int, seed: int) -> tuple[Path, dict[str, float]]:
    """Generate and ingest the demo data unless a previous run left them; return the raw warehouse."""
    timings: dict[str, float] = {}
    data_dir = home / f"demo-{tickets}-seed{seed}"
    raw = home / f"raw-{tickets}-seed{seed}.duckdb"
    if not (data_dir / "truth" / "tickets.csv").exists():
        shutil.rmtree(data_dir, ignore_errors=True)
        print(f"generating {tickets:,} demo tickets into {data_dir} ...", flush=True)
        started = time.perf_counter()
        generate(data_dir, tickets=tickets, seed=seed)
        timings["generate_seconds"] = time.perf_counter() - started
    if not raw.exists():
        print(f"ingesting into {raw} ...", flush=True)
        partial = raw.with_suffix(".partial.duckdb")
        partial.unlink(missing_ok=True)
        started = time.perf_counter()
        load_all(partial, data_dir)
        timings["ingest_seconds"] = time.perf_counter() - started
        partial.rename(raw)
    return raw, timings


def raw_counts(warehouse: Path) -> dict[str, int]:
    """Rows per raw table."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {t: int(con.execute(f"select count(*) from raw.{t}").fetchall()[0][0]) for t in RAW_TABLES}


def dbt_build(warehouse: Path, work: Path) -> tuple[float, dict[str, Any]]:
    """Run ``dbt build`` on ``warehouse``; return wall seconds and dbt's run results."""
    env = {**os.environ, "CLOSEDLOOP_WAREHOUSE": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
           "DO_NOT_TRACK": "1", "DBT_LOG_PATH": str(work / "logs")}
    command = [str(Path(sys.executable).with_name("dbt")), "build", "--project-dir", str(PROJECT_DIR),
               "--profiles-dir", str(PROJECT_DIR), "--target-path", str(work / "target")]
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit("dbt build failed:\n" + "\n".join(result.stdout.splitlines()[-40:]))
    return seconds, json.loads((work / "target" / "run_results.json").read_text())


def timed_run(raw: Path, warehouse: Path, work: Path) -> dict[str, Any]:
    """Copy the raw warehouse to ``warehouse``, time one ``dbt build`` on it and summarize dbt's results."""
    shutil.copyfile(raw, warehouse)
    with duckdb.connect(str(warehouse)) as con:  # a raw warehouse kept from an older version
        for statement in create_all_sql():  # lacks the tables added since (all IF NOT EXISTS)
            con.execute(statement)
        ensure_schema(con)  # the topics tables dbt reads as sources
        ensure_review_schema(con)  # and the review decisions
    seconds, results = dbt_build(warehouse, work)
    nodes = results["results"]
    slowest = sorted(nodes, key=lambda n: n["execution_time"], reverse=True)[:8]
    return {
        "wall_seconds": round(seconds, 2),
        "dbt_elapsed_seconds": round(results["elapsed_time"], 2),
        "nodes": len(nodes),
        "models": sum(n["unique_id"].startswith("model.") for n in nodes),
        "data_tests": sum(n["unique_id"].startswith("test.") for n in nodes),
        "unit_tests": sum(n["unique_id"].startswith("unit_test.") for n in nodes),
        "slowest": [{"node": n["unique_id"], "seconds": round(n["execution_time"], 2)} for n in slowest],
    }


def print_report(report: dict[str, Any], timings: dict[str, float]) -> None:
    """Print the raw row counts, the timings and the slowest nodes of the last run."""
    print()
    print(f"{'what':<44}{'value':>16}")
    print("-" * 60)
    for table, rows in report["raw_rows"].items():
        print(f"{'raw.' + table + ' rows':<44}{rows:>16,}")
    for key, value in timings.items():
        print(f"{key.replace('_', ' '):<44}{value:>16.1f}")
    for i, r in enumerate(report["runs"], 1):
        wall, elapsed = f"dbt build run {i} wall seconds", f"  dbt elapsed seconds ({r['nodes']} nodes)"
        print(f"{wall:<44}{r['wall_seconds']:>16.1f}")
        print(f"{elapsed:<44}{r['dbt_elapsed_seconds']:>16.1f}")
    print(f"{'target seconds':<44}{TARGET_SECONDS:>16.0f}")
    print(f"{'within target':<44}{'yes' if report['within_target'] else 'NO':>16}")
    print()
    print("slowest nodes (last run):")
    for node in report["runs"][-1]["slowest"]:
        print(f"  {node['seconds']:>6.2f}  {node['node']}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=1, help="dbt builds to time (the first parses from scratch)")
    args = parser.parse_args(argv)

    home = bench_home()
    home.mkdir(parents=True, exist_ok=True)
    raw, timings = prepare_raw(home, args.tickets, args.seed)
    counts = raw_counts(raw)
    work = home / "dbt"
    shutil.rmtree(work, ignore_errors=True)
    warehouse = home / "warehouse.duckdb"

    runs: list[dict[str, Any]] = []
    for run in range(args.runs):
        print(f"dbt build {run + 1}/{args.runs} on {args.tickets:,} tickets ...", flush=True)
        runs.append(timed_run(raw, warehouse, work))

    best = min(r["wall_seconds"] for r in runs)
    report = {
        "benchmark": "dbt_build",
        "tickets": args.tickets,
        "seed": args.seed,
        "raw_rows": counts,
        **{k: round(v, 1) for k, v in timings.items()},
        "runs": runs,
        "best_wall_seconds": best,
        "target_seconds": TARGET_SECONDS,
        "within_target": best < TARGET_SECONDS,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "versions": {p: version(p) for p in ("dbt-core", "dbt-duckdb", "duckdb")},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print_report(report, timings)
    print(f"\nwrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
