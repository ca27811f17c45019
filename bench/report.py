"""Benchmark: one quarter's leadership report (``closedloop report``), wall time and peak memory.

Runs the real command in a fresh process per run (imports, reading the marts, charts, HTML and
PDF) against an existing warehouse, opened read-only, and records the process's peak resident
memory. Prints a table and writes ``bench/results/report.json``.

    .venv/bin/python bench/report.py                                   # $CLOSEDLOOP_HOME/warehouse.duckdb
    .venv/bin/python bench/report.py --warehouse /tmp/fresh/state/warehouse.duckdb --quarter 2025Q4 --runs 3

Target: under 30 seconds on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "report.json"
TARGET_SECONDS = 30.0
CLI = str(Path(sys.executable).with_name("closedloop"))


def default_warehouse() -> Path:
    """``$CLOSEDLOOP_WAREHOUSE``, else ``$CLOSEDLOOP_HOME/warehouse.duckdb`` (``./state`` by default)."""
    override = os.environ.get("CLOSEDLOOP_WAREHOUSE")
    if override:
        return Path(override)
    return Path(os.environ.get("CLOSEDLOOP_HOME", ROOT / "state")) / "warehouse.duckdb"


def warehouse_facts(warehouse: Path) -> dict[str, Any]:
    """Tickets in the warehouse and the last quarter with resolved tickets."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tickets = (con.execute("select count(*) from marts.fct_tickets").fetchone() or (0,))[0]
        last = (con.execute("select max(quarter_key) from marts.fct_support_quarterly "
                            "where tickets_resolved > 0").fetchone() or (None,))[0]
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                            "where table_schema = 'marts' order by 1").fetchall()]
    return {"tickets": tickets, "last_quarter": last, "marts": tables}


def run_once(warehouse: Path, quarter: str, out: Path) -> dict[str, Any]:
    """One ``closedloop report`` in its own process: wall seconds, peak RSS, pages, sizes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOSEDLOOP_", "DAGSTER_", "DBT_"))}
    env |= {"CLOSEDLOOP_HOME": str(out / "home"), "CLOSEDLOOP_WAREHOUSE": str(warehouse)}
    command = [sys.executable, "-c",
               "import resource, sys\n"
               "from closedloop.cli import main\n"
               "code = main(sys.argv[1:])\n"
               "print('peak_rss_kb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
               "sys.exit(code)\n",
               "report", "--quarter", quarter, "--out", str(out)]
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"closedloop report failed: {result.stderr.strip()}")
    rss = re.search(r"peak_rss_kb (\d+)", result.stderr)
    library = re.search(r"wrote .* in ([\d.]+)s", result.stdout)
    pdf, html = out / f"report-{quarter}.pdf", out / f"report-{quarter}.html"
    return {
        "wall_seconds": round(seconds, 2),
        "build_report_seconds": float(library.group(1)) if library else None,
        "peak_rss_mb": round(int(rss.group(1)) / 1024, 1) if rss else None,
        "pdf_bytes": pdf.stat().st_size,
        "html_bytes": html.stat().st_size,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=default_warehouse())
    parser.add_argument("--quarter", help="default: the last quarter with resolved tickets")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.warehouse.exists():
        sys.exit(f"no warehouse at {args.warehouse}: run `make run` first or pass --warehouse")
    facts = warehouse_facts(args.warehouse)
    quarter = args.quarter or facts["last_quarter"]

    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        for i in range(args.runs):
            print(f"closedloop report --quarter {quarter}: run {i + 1}/{args.runs} ...", flush=True)
            runs.append(run_once(args.warehouse, quarter, Path(tmp)))
    best = min(r["wall_seconds"] for r in runs)
    peak = max(r["peak_rss_mb"] or 0 for r in runs)
    report = {
        "benchmark": "report",
        "warehouse": str(args.warehouse),
        "tickets": facts["tickets"],
        "quarter": quarter,
        "issue5_marts_present": "fct_support_driven_share" in facts["marts"],
        "runs": runs,
        "best_wall_seconds": best,
        "peak_rss_mb": peak,
        "target_seconds": TARGET_SECONDS,
        "within_target": best < TARGET_SECONDS,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_1min": round(os.getloadavg()[0], 2)},
        "versions": {p: version(p) for p in ("duckdb", "matplotlib", "reportlab", "jinja2")},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")

    print()
    print(f"{'what':<44}{'value':>16}")
    print("-" * 60)
    print(f"{'tickets in warehouse':<44}{facts['tickets']:>16,}")
    print(f"{'quarter':<44}{quarter:>16}")
    for i, r in enumerate(runs, 1):
        print(f"{f'run {i} wall seconds (process)':<44}{r['wall_seconds']:>16.2f}")
        if r["build_report_seconds"] is not None:
            print(f"{'  of which build_report seconds':<44}{r['build_report_seconds']:>16.1f}")
    print(f"{'peak RSS MB':<44}{peak:>16.1f}")
    sizes = f"{runs[-1]['pdf_bytes'] // 1024} / {runs[-1]['html_bytes'] // 1024}"
    print(f"{'PDF / HTML KB':<44}{sizes:>16}")
    print(f"{'target seconds':<44}{TARGET_SECONDS:>16.0f}")
    print(f"{'within target':<44}{'yes' if report['within_target'] else 'NO':>16}")
    print(f"\nwrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
