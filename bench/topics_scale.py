"""Benchmark: themes for 100,000 demo tickets end to end, cold, then 1,000 new tickets.

Stages, each in its own process so that its peak memory (max RSS) is its own:

1. setup (not timed): ``closedloop demo-data --tickets N`` and ``closedloop ingest`` into a fresh
   home; the 1,000 newest resolved tickets are held back (status set to ``open``);
2. cold: ``topics.refresh.update_themes`` on an empty embedding cache (embed, fit, label, write);
3. incremental: the held-back tickets are resolved again and ``update_themes`` runs once more
   (daily assignment: embeds only the new texts);
4. baseline: a plain ``BERTopic(embedding_model=<packaged MiniLM>).fit_transform`` on the same
   texts (``--baseline fit`` gives it the cached vectors instead, to time fitting only).

Targets: cold under 10 minutes, incremental under 30 seconds, peak under 4 GB.
Prints a table and writes bench/results/topics_scale.json. The machine is shared: the load average at
each stage is recorded with the timings.

Usage: python bench/topics_scale.py [--tickets 100000] [--new 1000] [--home DIR] [--threads 1]
                              [--backend torch|onnx-int8] [--baseline full|fit|none]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CLI = Path(sys.executable).with_name("closedloop")

_THEMES = """
import json, sys, time
from pathlib import Path
from closedloop.core.warehouse import connect, resolved_ticket_texts
from topics.refresh import update_themes
from topics.config import config_from_env
started = time.perf_counter()
say = lambda line: print(line, file=sys.stderr, flush=True)
with connect(Path(sys.argv[1])) as con:
    report = update_themes(con, resolved_ticket_texts(con), config_from_env(), progress=say)
print(json.dumps({"seconds": time.perf_counter() - started, "mode": report.mode, "embedded": report.embedded,
                  "themes": report.themes, "new_tickets": report.new_tickets, "tickets": report.tickets,
                  "outlier_share": report.outlier_share,
                  "peak_mb": __import__("resource").getrusage(__import__("resource").RUSAGE_SELF).ru_maxrss / 1024}))
"""

_BASELINE = """
import json, sys, time
import duckdb, numpy as np
from bertopic import BERTopic
from closedloop.core.warehouse import resolved_ticket_texts
from topics.config import config_from_env
from topics.embed import EmbeddingCache, packaged_model_path
from topics.evaluate import embed_texts
from topics.text import ticket_text
from topics.threads import limit_threads
warehouse, mode = sys.argv[1], sys.argv[2]
cfg = config_from_env()
with duckdb.connect(warehouse, read_only=True) as con:
    rows = resolved_ticket_texts(con)
texts = [ticket_text(s, b, cfg.text.max_body_chars) for _, s, b in rows]
with limit_threads(cfg.threads):
    started = time.perf_counter()
    if mode == "full":
        from sentence_transformers import SentenceTransformer
        model = SentenceTransformer(str(packaged_model_path()), device="cpu", local_files_only=True)
        topics, _ = BERTopic(embedding_model=model).fit_transform(texts)
    else:
        with duckdb.connect(warehouse) as con:
            vectors = embed_texts(texts, cfg, EmbeddingCache(con)).vectors
        started = time.perf_counter()
        topics, _ = BERTopic().fit_transform(texts, embeddings=vectors)
print(json.dumps({"seconds": time.perf_counter() - started, "themes": len(set(topics) - {-1}),
                  "outlier_share": float(np.mean(np.asarray(topics) == -1)), "mode": mode,
                  "peak_mb": __import__("resource").getrusage(__import__("resource").RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(args: list[str], env: dict[str, str], label: str) -> dict:
    """Run a stage in a child process; its JSON result plus wall seconds, peak RSS and load average."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    print(f"[{time.strftime('%H:%M:%S')}] {label} (load {load:.1f}) ...", file=sys.stderr, flush=True)
    done = subprocess.run(args, env=env, check=True, stdout=subprocess.PIPE, text=True)
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    result = json.loads(last) if last.startswith("{") else {}
    result.update(wall_seconds=round(time.perf_counter() - started, 1), load_before=round(load, 1),
                  load_after=round(os.getloadavg()[0], 1))
    if "peak_mb" in result:
        result["peak_mb"] = round(result["peak_mb"], 1)
    print(f"[{time.strftime('%H:%M:%S')}] {label}: {json.dumps(result)}", file=sys.stderr, flush=True)
    return result


def _sql(warehouse: Path, statement: str) -> None:
    import duckdb

    with duckdb.connect(str(warehouse)) as con:
        con.execute(statement)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=1_000)
    parser.add_argument("--home", help="state folder (default: a temporary one)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--backend", choices=("torch", "onnx-int8"), default="onnx-int8")
    parser.add_argument("--baseline", choices=("full", "fit", "none"), default="full")
    parser.add_argument("--out", default=str(HERE / "results" / "topics_scale.json"))
    args = parser.parse_args()

    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="bench_topics_"))
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CLOSEDLOOP_HOME": str(home), "CLOSEDLOOP_TOPIC_THREADS": str(args.threads),
           "CLOSEDLOOP_EMBED_BACKEND": args.backend}
    data = home / "demo"
    warehouse = home / "warehouse.duckdb"
    results: dict[str, object] = {"tickets": args.tickets, "new": args.new, "threads": args.threads,
                                  "backend": args.backend, "cpus": os.cpu_count()}
    if not warehouse.exists():
        _run([str(CLI), "demo-data", "--out", str(data), "--tickets", str(args.tickets), "--seed", "1"], env,
             "setup: demo-data")
        _run([str(CLI), "ingest", "--data", str(data)], env, "setup: ingest")
    for table in ("topics.ticket_themes", "topics.themes", "topics.theme_lineage", "topics.ticket_languages",
                  "topics.embedding_cache"):  # cold means cold, also when --home is reused
        _sql(warehouse, f"CREATE SCHEMA IF NOT EXISTS topics; DELETE FROM {table}"
             if table != "topics.embedding_cache" else f"DROP TABLE IF EXISTS {table}")
    _sql(warehouse, "CREATE TABLE IF NOT EXISTS main.bench_held_back AS SELECT ticket_id, status FROM raw.tickets "
                    f"WHERE status IN ('solved', 'closed') ORDER BY solved_at DESC NULLS LAST LIMIT {args.new}")
    _sql(warehouse, "UPDATE raw.tickets SET status = 'open' WHERE ticket_id IN (SELECT ticket_id FROM bench_held_back)")
    py = sys.executable
    results["cold"] = _run([py, "-c", _THEMES, str(warehouse)], env, "cold: embed, fit, label, write")
    _sql(warehouse, "UPDATE raw.tickets t SET status = h.status FROM bench_held_back h WHERE t.ticket_id = h.ticket_id")
    results["incremental"] = _run([py, "-c", _THEMES, str(warehouse)], env, f"incremental: {args.new} new tickets")
    if args.baseline != "none":
        results["bertopic_default"] = _run([py, "-c", _BASELINE, str(warehouse), args.baseline], env,
                                           f"baseline: BERTopic() ({args.baseline})")
    cold, inc = results["cold"], results["incremental"]
    print(f"{'stage':24s} {'seconds':>8s} {'peak MB':>8s} {'load':>5s}  notes")
    for name in ("cold", "incremental", "bertopic_default"):
        r = results.get(name)
        if isinstance(r, dict):
            print(f"{name:24s} {r['wall_seconds']:8.1f} {r['peak_mb'] or 0:8.0f} {r['load_before']:5.1f}  "
                  f"{r.get('embedded', '')} embedded, {r.get('themes')} themes")
    if isinstance(results.get("bertopic_default"), dict) and isinstance(cold, dict):
        base = results["bertopic_default"]
        print(f"ratio BERTopic()/cold: {base['wall_seconds'] / max(cold['wall_seconds'], 1e-9):.2f}")
    print(f"targets: cold < 600 s, incremental < 30 s, peak < 4096 MB; inc {inc}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
