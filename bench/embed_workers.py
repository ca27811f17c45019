"""Benchmark: embedding demo ticket texts in 1 and 2 local worker processes, beside in-process embedding.

The texts are the ticket texts (subject, then body; ``topics.text.ticket_text``) of a generated demo,
distinct, the first ``--texts`` of them. Each measurement runs in a fresh child process on an empty
embedding cache (a new DuckDB file) with the packaged MiniLM and the production settings
(``EmbedConfig()``), through ``embed_with_cache`` as the theme asset does:

* ``in-process``: the model in the measuring process with ``--threads`` threads;
* ``N workers``: a :class:`topics.embed.workers.WorkerPoolEmbedder` with N ``python -m
  orchestration.embed_worker`` processes sharing ``--threads`` threads (each at least one), started
  as plain children (the pipeline starts the same program under Dagster Pipes).

Wall seconds include starting the workers and loading the model in each. Peak memory is the
measuring process's and the largest worker's max RSS. Prints a table, the ratio of 1 to 2 workers,
and writes ``bench/results/embed_workers.json``.

Usage: python bench/embed_workers.py [--texts 100000] [--workers 1,2] [--threads 2] [--batch-size 256]
                                     [--no-in-process]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import write_results

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "embed_workers.json"
WORKER = [sys.executable, "-m", "orchestration.embed_worker"]
COMMITTED = re.compile(r"committed (\d+)/(\d+)")
"""A worker's progress line (``embedding worker 0 (pid 123): committed 2560/50000``)."""


def demo_texts(count: int, seed: int, folder: Path) -> list[str]:
    """The first ``count`` distinct ticket texts of a generated demo.

    Some demo tickets repeat another's text (about 7% at 100,000), so the demo is generated with
    15% more tickets than texts, and again with more while that is not enough.
    """
    from closedloop.demo import generate
    from topics.text import ticket_text

    texts: list[str] = []
    for extra in (1.15, 1.3, 1.6):
        generate(folder, tickets=int(count * extra) + 50, seed=seed)
        seen: dict[str, None] = {}
        for path in sorted((folder / "zendesk").glob("tickets*.jsonl")):
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    row = json.loads(line)
                    seen.setdefault(ticket_text(row.get("subject"), row.get("description"), 600))
        texts = [t for t in seen if t][:count]
        if len(texts) == count:
            return texts
    sys.exit(f"the demo gave only {len(texts):,} distinct texts")


def measure(texts_file: Path, workers: int, threads: int, batch_size: int, work: Path) -> dict[str, Any]:
    """One measurement (run in a child process): embed every text into an empty cache."""
    import duckdb

    from topics.config import EmbedConfig
    from topics.embed import embed_with_cache, make_embedder
    from topics.embed.workers import WorkerPoolEmbedder

    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    embedder: Any = (make_embedder(EmbedConfig(), threads=threads) if workers == 0 else
                     WorkerPoolEmbedder(EmbedConfig(), workers, work / "spool", WORKER, threads=threads,
                                        batch_size=batch_size))
    load = os.getloadavg()[0]
    started = time.perf_counter()
    with duckdb.connect(str(work / "cache.duckdb")) as con:
        result = embed_with_cache(con, texts, embedder)
    seconds = time.perf_counter() - started
    return {"workers": workers, "threads": threads, "texts": len(texts), "embedded": result.embedded,
            "seconds": round(seconds, 2), "texts_per_second": round(result.embedded / seconds, 1),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "worker_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024) if workers else None,
            "load_average_at_start": round(load, 2)}


def _child(texts_file: Path, workers: int, args: argparse.Namespace, root: Path) -> dict[str, Any]:
    work = root / f"workers-{workers}"
    work.mkdir()
    label = "in-process" if workers == 0 else f"{workers} worker(s)"
    print(f"{label}: embedding ...", flush=True)
    argv = [sys.executable, __file__, "--measure", str(workers), "--texts-file", str(texts_file), "--work", str(work),
            "--threads", str(args.threads), "--batch-size", str(args.batch_size)]
    with (work / "stderr.log").open("w") as errors, \
            subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errors, text=True) as child:
        assert child.stdout is not None
        last = ""
        for line in child.stdout:  # the workers' "committed N/M" lines, every tenth batch shown
            last = line.strip() or last
            if (m := COMMITTED.search(line)) and (int(m[1]) == int(m[2]) or int(m[1]) // args.batch_size % 10 == 0):
                print(f"  {last}", flush=True)
    if child.returncode != 0:
        sys.exit(f"{label} failed:\n{(work / 'stderr.log').read_text(encoding='utf-8')[-3000:]}")
    row: dict[str, Any] = json.loads(last)
    row["label"] = label
    return row


def print_table(rows: list[dict[str, Any]], ratio: float | None) -> None:
    """The measurements, one line each, then the ratio of 1 worker's seconds to 2 workers'."""
    print(f"\n{'embedding':<16}{'threads':>8}{'texts':>9}{'seconds':>10}{'texts/s':>10}{'peak MB':>9}"
          f"{'worker MB':>10}{'load':>7}")
    print("-" * 79)
    for r in rows:
        print(f"{r['label']:<16}{r['threads']:>8}{r['embedded']:>9,}{r['seconds']:>10.1f}{r['texts_per_second']:>10.1f}"
              f"{r['peak_mb']:>9}{r['worker_peak_mb'] or '-':>10}{r['load_average_at_start']:>7}")
    if ratio is not None:
        print(f"\n1 worker / 2 workers (seconds): {ratio:.2f}x")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with ``--measure``, one measurement)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=100_000)
    parser.add_argument("--workers", default="1,2", help="worker counts to measure, comma-separated")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads in all (shared by the workers)")
    parser.add_argument("--batch-size", type=int, default=256, help="texts a worker commits at a time")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-in-process", action="store_true", help="skip the in-process measurement")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--texts-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.measure is not None:
        print(json.dumps(measure(args.texts_file, args.measure, args.threads, args.batch_size, args.work)))
        return 0
    counts = ([] if args.no_in_process else [0]) + [int(w) for w in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="embed-workers-") as tmp:
        root = Path(tmp)
        print(f"generating {args.texts:,} distinct demo ticket texts ...", flush=True)
        texts_file = root / "texts.json"
        texts_file.write_text(json.dumps(demo_texts(args.texts, args.seed, root / "demo")), encoding="utf-8")
        rows = [_child(texts_file, w, args, root) for w in counts]
    by_workers = {r["workers"]: r for r in rows}
    ratio = (by_workers[1]["seconds"] / by_workers[2]["seconds"]) if {1, 2} <= set(by_workers) else None
    print_table(rows, ratio)
    write_results(args.out, {"benchmark": "embed_workers", "texts": args.texts, "batch_size": args.batch_size,
                             "runs": rows, "one_to_two_workers_ratio": None if ratio is None else round(ratio, 3)},
                  threads=args.threads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
