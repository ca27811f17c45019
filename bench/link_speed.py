"""Speed of ``closedloop link`` on a real 5,000-item backlog with long bodies: cold and warm, fresh processes.

Backlog: the first ``--items`` items of an assembled JIRA pair set (default HDFS: 5,416 issues,
titles plus bodies with stack traces and logs, labels and components; ``bench/link_pairs/README.md``),
written as ``item_id,title,body,labels,components``; feedback: that set's queries (``--queries``).

- **cold**: a fresh ``python -m closedloop.cli link`` process with a new, empty ``CLOSEDLOOP_HOME``
  (so an empty embedding cache): model load, reading the CSVs, embedding every backlog text the
  shipped signals need, BM25 indexing, scoring and writing.
- **warm**: a fresh process with the same ``CLOSEDLOOP_HOME``: the backlog's vectors come from the
  cache; the model is still loaded (the queries are new texts only on the first run).

Targets: cold under 30 s, warm under 3 s. The machine is shared: CPU seconds of the child and
the load average before each run are recorded. Prints a table and writes bench/results/link_speed.json.

Usage: python bench/link_speed.py [--pairs /work/research/link_pairs] [--set hdfs] [--items 5000]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.benchlib import write_results  # noqa: E402
from bench.link_feedback import _run_cli  # noqa: E402
from bench.link_pairs.sets import load_pair_set  # noqa: E402

TARGETS = {"cold": 30.0, "warm": 3.0}


def write_inputs(folder: Path, pairs_root: Path, name: str, n_items: int, n_queries: int) -> tuple[Path, Path, dict]:
    """The feedback and backlog CSVs of the run, and what they hold."""
    pairs = load_pair_set(pairs_root / name)
    backlog = pairs.backlog[:n_items]
    feedback_csv, backlog_csv = folder / "feedback.csv", folder / "backlog.csv"
    with feedback_csv.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["feedback_id", "text"])
        writer.writerows(list(zip(pairs.query_ids, pairs.queries, strict=True))[:n_queries])
    with backlog_csv.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["item_id", "title", "body", "labels", "components"])
        writer.writerows((r.item_id, r.title, r.body, r.labels, r.components) for r in backlog)
    bodies = sorted(len(r.body) for r in backlog)
    facts = {"set": name, "backlog_items": len(backlog), "feedback_rows": min(n_queries, len(pairs.queries)),
             "body_chars_median": bodies[len(bodies) // 2], "body_chars_total": sum(bodies)}
    return feedback_csv, backlog_csv, facts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", default="/work/research/link_pairs")
    parser.add_argument("--set", default="hdfs")
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--threads", type=int, default=int(os.environ.get("CLOSEDLOOP_TORCH_THREADS", "1")))
    parser.add_argument("--out", default=str(HERE / "results" / "link_speed.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="link-speed-") as tmp:
        work = Path(tmp)
        feedback, backlog, facts = write_inputs(work, Path(args.pairs), args.set, args.items, args.queries)
        home = work / "home"
        runs = {name: _run_cli(feedback, backlog, work / f"{name}.csv", home, args.threads, int8=True)
                for name in ("cold", "warm")}
        same = (work / "cold.csv").read_text() == (work / "warm.csv").read_text()
    print(f"\n`closedloop link`: {facts['feedback_rows']} feedback rows x {facts['backlog_items']} backlog items "
          f"({args.set}, median body {facts['body_chars_median']} chars), {args.threads} torch thread(s)")
    print(f"{'run':5s} {'wall s':>7s} {'cpu s':>7s} {'load':>5s} {'embedded':>9s} {'cached':>7s}  target")
    for name, run in runs.items():
        ok = "met" if run["seconds"] < TARGETS[name] else "MISSED"
        print(f"{name:5s} {run['seconds']:7.1f} {run['cpu_seconds']:7.1f} {run['load_average_1min_before']:5.1f} "
              f"{run['backlog_embedded']:9d} {run['backlog_cached']:7d}  < {TARGETS[name]:.0f} s {ok}")
    print(f"warm output identical to cold: {same}")
    payload = {"inputs": facts, "targets_seconds": TARGETS, "runs": runs, "same_output": same,
               "meets_targets": {name: runs[name]["seconds"] < TARGETS[name] for name in runs}}
    write_results(args.out, payload, threads=args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
