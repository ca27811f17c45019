"""Benchmark: load 1,000,000 generated tickets into the raw tables.

Prints a table (rows, seconds, rows per second, peak memory) and writes bench/results/ingest.json.
Each measurement runs in a fresh child process so that its peak RSS is its own.
Targets: over 50,000 tickets a second and under 2 GB peak.

Usage: python bench/ingest.py [--tickets N] [--data DIR] [--entities tickets,ticket_events,...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHILD = """
import json, sys, time, resource
from pathlib import Path
from closedloop.ingest.load import load_all
warehouse, data, entities = Path(sys.argv[1]), Path(sys.argv[2]), tuple(sys.argv[3].split(","))
started = time.perf_counter()
report = load_all(warehouse, data, entities=entities)
seconds = time.perf_counter() - started
rows = {name: r.rows_in_table for name, r in report.entities.items()}
print(json.dumps({"seconds": seconds, "rows": rows,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _measure(data: Path, entities: str, workdir: Path) -> dict:
    warehouse = workdir / f"bench-{entities.replace(',', '-')}.duckdb"
    warehouse.unlink(missing_ok=True)
    out = subprocess.run([sys.executable, "-c", CHILD, str(warehouse), str(data), entities],
                         check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    warehouse.unlink(missing_ok=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--data", help="existing demo export folder (default: generate under $CLOSEDLOOP_HOME/bench)")
    parser.add_argument("--out", default=str(HERE / "results" / "ingest.json"))
    args = parser.parse_args()

    home = Path(os.environ.get("CLOSEDLOOP_HOME", "state")).resolve()
    data = Path(args.data) if args.data else home / "bench" / f"demo-{args.tickets}"
    if not (data / "zendesk" / "tickets.jsonl").exists():
        from closedloop.demo import generate

        print(f"generating {args.tickets:,} demo tickets into {data} (once) ...", flush=True)
        started = time.perf_counter()
        generate(data, tickets=args.tickets, seed=42)
        print(f"  generated in {time.perf_counter() - started:.0f}s", flush=True)
    size_mb = (data / "zendesk" / "tickets.jsonl").stat().st_size / 1e6

    rows = []
    load_before = os.getloadavg()[0]
    home.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=home) as tmp:
        for label, entities in (("tickets", "tickets"),
                                ("all raw tables", "groups,agents,tickets,ticket_events,satisfaction_ratings,"
                                                   "qa_audits,backlog_items")):
            result = _measure(data, entities, Path(tmp))
            tickets = result["rows"]["tickets"]
            rows.append({"run": label, "tickets": tickets, "rows": sum(result["rows"].values()),
                         "seconds": round(result["seconds"], 1),
                         "tickets_per_second": round(tickets / result["seconds"]),
                         "peak_mb": round(result["peak_mb"])})

    load_after = os.getloadavg()[0]
    print(f"\ningest benchmark: {args.tickets:,} tickets ({size_mb:,.0f} MB of Zendesk JSONL), "
          f"{os.cpu_count()} cores, 1-minute load average {load_before:.1f} before, {load_after:.1f} after")
    print(f"{'run':<16}{'tickets':>12}{'all rows':>12}{'seconds':>10}{'tickets/s':>12}{'peak MB':>10}")
    for r in rows:
        print(f"{r['run']:<16}{r['tickets']:>12,}{r['rows']:>12,}{r['seconds']:>10}{r['tickets_per_second']:>12,}"
              f"{r['peak_mb']:>10,}")
    print("targets: > 50,000 tickets/s, < 2,048 MB peak")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"benchmark": "ingest", "tickets": args.tickets, "jsonl_mb": round(size_mb),
                               "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                                           "load_average_before": round(load_before, 1),
                                           "load_average_after": round(load_after, 1)},
                               "results": rows}, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
