"""Benchmark ``closedloop link``: recall on real reviews vs issues, and speed on a 5,000-item backlog.

Quality: on ``feedback_to_issues`` (50 VLC app-store reviews, 553 VLC issues, 26 human-judged
matches) recall@1/5/10/20/50 of plain MiniLM cosine over the whole issue text (the baseline) and
of ``closedloop link``'s defaults, measured in the same run with the same model, plus a paired
bootstrap of the recall@10 difference and every matcher variant (``--no-variants`` skips them).

Speed: 50 reviews against 5,000 items (the VLC issues plus generated tracker items in the demo
exchange's engineering vocabulary, every text distinct), run as ``python -m closedloop.cli
link ...`` in a fresh process: cold (empty embedding cache, model load included) then warm (cache
reused), with the int8 model ``closedloop link`` ships and with float32. Target: cold under 30 s.
The machine is shared, so wall time depends on what else runs: CPU seconds of the child process
and the load average before each run are recorded beside it.

Prints a table and writes bench/results/link_feedback.json.

Usage: python bench/link_feedback.py [--dataset DIR] [--items 5000] [--no-variants]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from topics.embed import EmbeddingCache, make_embedder  # noqa: E402
from topics.link import BacklogItem, MatchConfig, Matcher, link_embed_config, recall_at_k  # noqa: E402
from topics.link.files import link_files  # noqa: E402

KS = (1, 5, 10, 20, 50)
csv.field_size_limit(1 << 24)  # one VLC issue description is 173k characters
VARIANTS: list[tuple[str, MatchConfig]] = [
    ("dense_text (baseline: plain MiniLM cosine)", MatchConfig(signals=("dense_text",), gloss=False)),
    ("dense_title (default)", MatchConfig()),
    ("dense_title, no crash/freeze gloss", MatchConfig(gloss=False)),
    ("dense_chunks (title + 60-word chunk, max-sim)", MatchConfig(signals=("dense_chunks",))),
    ("bm25_text (identifier split, stemmed)", MatchConfig(signals=("bm25_text",))),
    ("bm25_text, no identifier split", MatchConfig(signals=("bm25_text",), split_identifiers=False)),
    ("bm25_text, no stemming", MatchConfig(signals=("bm25_text",), stemming=False)),
    ("bm25_title", MatchConfig(signals=("bm25_title",))),
    ("rrf dense_title + dense_text", MatchConfig(signals=("dense_title", "dense_text"))),
    ("rrf dense_title + dense_chunks", MatchConfig(signals=("dense_title", "dense_chunks"))),
    ("rrf dense_title + bm25_text", MatchConfig(signals=("dense_title", "bm25_text"))),
    ("rrf dense_title + bm25_title", MatchConfig(signals=("dense_title", "bm25_title"))),
    ("rrf dense_text + bm25_text (classic hybrid)", MatchConfig(signals=("dense_text", "bm25_text"))),
    ("rrf dense_title + dense_chunks + bm25_text", MatchConfig(signals=("dense_title", "dense_chunks", "bm25_text"))),
    ("rrf dense_title + dense_text + dense_chunks", MatchConfig(signals=("dense_title", "dense_text", "dense_chunks"))),
]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _rankings(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in _read(path):
        out.setdefault(row["feedback_id"], []).append(row["item_id"])
    return out


def _hits_at(rankings: dict[str, list[str]], gold: list[tuple[str, str]], k: int) -> np.ndarray:
    return np.array([item in rankings.get(query, [])[:k] for query, item in gold], dtype=float)


def quality(dataset: Path, work: Path, variants: bool, threads: int) -> dict:
    gold = [(r["feedback_id"], r["item_id"]) for r in _read(dataset / "vlc_gold.csv")]
    plain = make_embedder(link_embed_config(quantize=False), threads=threads)
    int8 = os.environ.get("CLOSEDLOOP_LINK_INT8", "1").strip().lower() not in ("0", "false", "no")
    shipped = make_embedder(link_embed_config(quantize=int8), threads=threads)  # what `closedloop link` uses
    cache = EmbeddingCache(work / "quality-cache.duckdb")
    feedback, backlog = dataset / "vlc_feedback.csv", dataset / "vlc_backlog.csv"
    runs = {}
    for name, config, embedder in (("baseline", MatchConfig(signals=("dense_text",), gloss=False), plain),
                                   ("closedloop link defaults", None, shipped),
                                   ("defaults, float32 model", None, plain)):
        out = work / f"{name.split()[0]}.csv"
        started = time.perf_counter()
        link_files(feedback, backlog, out, top_k=max(KS), config=config, embedder=embedder, cache=cache)
        rankings = _rankings(out)
        runs[name] = {"recall": recall_at_k(rankings, gold, KS), "seconds": time.perf_counter() - started,
                      "hits10": _hits_at(rankings, gold, 10)}
    base, best = runs["baseline"]["hits10"], runs["closedloop link defaults"]["hits10"]
    rng = np.random.default_rng(0)
    draws = rng.integers(0, len(gold), size=(10_000, len(gold)))
    diffs = best[draws].mean(axis=1) - base[draws].mean(axis=1)
    result: dict = {
        "gold_pairs": len(gold),
        "baseline": {f"recall@{k}": v for k, v in runs["baseline"]["recall"].items()},
        "defaults": {f"recall@{k}": v for k, v in runs["closedloop link defaults"]["recall"].items()},
        "defaults_float32_model": {f"recall@{k}": v for k, v in runs["defaults, float32 model"]["recall"].items()},
        "defaults_config": {"signals": list(MatchConfig().signals), "embedder": shipped.model_id},
        "ratio_recall@10": (runs["closedloop link defaults"]["recall"][10] / runs["baseline"]["recall"][10]
                            if runs["baseline"]["recall"][10] else None),
        "bootstrap_recall@10_difference": {"mean": float(diffs.mean()), "ci95": [float(np.percentile(diffs, 2.5)),
                                           float(np.percentile(diffs, 97.5))],
                                           "share_above_zero": float((diffs > 0).mean())},
        "pairs_only_defaults_find@10": int(((best == 1) & (base == 0)).sum()),
        "pairs_only_baseline_finds@10": int(((best == 0) & (base == 1)).sum()),
    }
    if variants:
        rows = _read(backlog)
        items = [BacklogItem(r["item_id"], r["summary"] or "", r["description"] or "") for r in rows]
        reviews = _read(feedback)
        texts, ids = [r["text"] for r in reviews], [r["feedback_id"] for r in reviews]
        table = []
        for name, config in VARIANTS:
            matches = Matcher(items, config, embedder=plain, cache=cache).match(texts, k=max(KS))
            rankings = {ids[i]: [m.item_id for m in per] for i, per in enumerate(matches)}
            table.append({"variant": name, **{f"recall@{k}": v for k, v in recall_at_k(rankings, gold, KS).items()}})
        result["variants"] = table
    return result


def _identifier(rng: np.random.Generator) -> str:
    parts = ["Wallet", "Deposit", "Order", "Ledger", "Kyc", "Otp", "Fee", "Chart", "Session", "Price", "Token",
             "Market", "Payout", "Account", "Notification", "Sync", "Player", "Media", "Cache", "Socket"]
    kinds = ["Fragment", "Service", "Job", "Worker", "Controller", "Repository", "View", "Manager", "Client"]
    methods = ["onResume", "handle", "process", "retry", "refresh", "bind", "load", "flush", "validate", "render"]
    return f"{rng.choice(parts)}{rng.choice(parts)}{rng.choice(kinds)}.{rng.choice(methods)}"


def synthetic_backlog(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """``count`` distinct tracker items in the demo exchange's vocabulary: ``(item_id, summary\ndescription)``."""
    from closedloop.demo import backlog_text as bt

    rng = np.random.default_rng(seed)
    pairs = [pair for pool in (bt.ENGINEERING_WORDS, bt.USER_WORDS) for values in pool.values() for pair in values]
    plain = list(bt.ROADMAP_STORIES + bt.ROADMAP_BUGS + bt.TASKS)
    fill = {"chain": bt.CHAINS, "coin": bt.COINS, "country": bt.COUNTRIES, "language": bt.LANGUAGE_NAMES,
            "dep": bt.DEPS}
    platforms = ["Android 14", "Android 13", "iOS 17", "iOS 18", "web", "the desktop app", "tablets", "the API"]
    items, seen = [], set()
    while len(items) < count:
        if rng.random() < 0.6:
            summary, description = pairs[int(rng.integers(len(pairs)))]
        else:
            summary, description = plain[int(rng.integers(len(plain)))], str(rng.choice(bt.GOALS))
        values = {key: str(rng.choice(options)) for key, options in fill.items()}
        values["n"] = str(int(rng.integers(50, 500)))
        summary = re.sub(r"\{(\w+)\}", lambda m, v=values: v[m.group(1)], summary)
        description = re.sub(r"\{(\w+)\}", lambda m, v=values: v[m.group(1)], description)
        summary = f"{summary} on {rng.choice(platforms)} (build {int(rng.integers(1, 9))}.{int(rng.integers(0, 40))})"
        description += (f" Seen in {_identifier(rng)}() since release {int(rng.integers(1, 9))}."
                        f"{int(rng.integers(0, 30))}; {int(rng.integers(2, 400))} reports.")
        if summary in seen:
            continue
        seen.add(summary)
        items.append((f"SYN-{len(items) + 1}", f"{summary}\n{description}"))
    return items


def _run_cli(feedback: Path, backlog: Path, out: Path, home: Path, threads: int, int8: bool) -> dict:
    env = {**os.environ, "CLOSEDLOOP_HOME": str(home), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "CLOSEDLOOP_TORCH_THREADS": str(threads), "CLOSEDLOOP_LINK_INT8": "1" if int8 else "0"}
    command = [sys.executable, "-m", "closedloop.cli", "link", "--feedback", str(feedback), "--backlog",
               str(backlog), "--top-k", "10", "--out", str(out)]
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"closedloop link failed:\n{done.stdout}\n{done.stderr}")
    line = (done.stdout + done.stderr).strip().splitlines()[-1]
    counts = re.search(r"(\d+) embedded, (\d+) cached", line)
    assert counts, line
    return {"seconds": seconds, "cpu_seconds": cpu, "load_average_1min_before": load,
            "backlog_embedded": int(counts.group(1)), "backlog_cached": int(counts.group(2)),
            "rows": len(_read(out)), "report": line.split("  ", 1)[-1]}


def speed(dataset: Path, work: Path, n_items: int, threads: int) -> dict:
    vlc = [(r["item_id"], r["text"]) for r in _read(dataset / "vlc_backlog.csv")]
    items = vlc + synthetic_backlog(max(0, n_items - len(vlc)))
    backlog = work / "backlog-5000.csv"
    with backlog.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["item_id", "text"])
        writer.writerows(items[:n_items])
    feedback = dataset / "vlc_feedback.csv"
    out: dict = {"feedback_rows": len(_read(feedback)), "backlog_items": n_items, "torch_threads": threads,
                 "target_cold_seconds": 30}
    for precision, int8 in (("int8 (default)", True), ("float32", False)):
        home = work / f"speed-home-{int8}"
        cold = _run_cli(feedback, backlog, work / f"cold-{int8}.csv", home, threads, int8)
        warm = _run_cli(feedback, backlog, work / f"warm-{int8}.csv", home, threads, int8)
        same = (work / f"cold-{int8}.csv").read_text() == (work / f"warm-{int8}.csv").read_text()
        out[precision] = {"cold": cold, "warm": warm, "cold_meets_target": cold["seconds"] < 30, "same_output": same}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default=str(ROOT.parent / "shared/datasets/feedback_to_issues"))
    parser.add_argument("--items", type=int, default=5000, help="backlog size of the speed check")
    parser.add_argument("--threads", type=int, default=int(os.environ.get("CLOSEDLOOP_TORCH_THREADS", "1")))
    parser.add_argument("--no-variants", action="store_true", help="skip the variant table")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--out", default=str(HERE / "results" / "link_feedback.json"))
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    dataset = Path(args.dataset)
    if not (dataset / "vlc_gold.csv").exists():
        print(f"dataset not found: {dataset}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="link-bench-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        result = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                              "load_average": os.getloadavg()}}
        if not args.skip_speed:  # speed first, while the machine is as it was
            result["speed"] = speed(dataset, work, args.items, args.threads)
        result["quality"] = quality(dataset, work, not args.no_variants, args.threads)
        result["seconds"] = time.perf_counter() - started

    q = result["quality"]
    print(f"\nfeedback_to_issues (VLC): {q['gold_pairs']} judged pairs")
    print("variants below: float32 model")
    print(f"{'variant':52s} " + " ".join(f"{'R@' + str(k):>6s}" for k in KS))
    rows = [("baseline: plain MiniLM cosine (closedloop link, dense_text)", q["baseline"]),
            ("closedloop link defaults (int8 model)", q["defaults"]),
            ("closedloop link defaults, float32 model", q["defaults_float32_model"])]
    rows += [(v["variant"], v) for v in q.get("variants", [])]
    for name, rec in rows:
        print(f"{name[:52]:52s} " + " ".join(f"{rec[f'recall@{k}']:6.2f}" for k in KS))
    b = q["bootstrap_recall@10_difference"]
    print(f"recall@10 defaults / baseline = {q['ratio_recall@10']:.2f}x; paired bootstrap of the difference: "
          f"mean {b['mean']:+.2f}, 95% CI [{b['ci95'][0]:+.2f}, {b['ci95'][1]:+.2f}], "
          f"P(>0) {b['share_above_zero']:.2f}")
    if "speed" in result:
        s = result["speed"]
        print(f"\nspeed: {s['feedback_rows']} feedback rows x {s['backlog_items']} backlog items, "
              f"{s['torch_threads']} torch thread(s), fresh process each")
        for precision in ("int8 (default)", "float32"):
            for name in ("cold", "warm"):
                run = s[precision][name]
                print(f"  {precision:15s} {name:5s} {run['seconds']:6.1f}s wall {run['cpu_seconds']:6.1f}s cpu "
                      f"(load {run['load_average_1min_before']:.1f})  backlog texts embedded "
                      f"{run['backlog_embedded']:5d}, cached {run['backlog_cached']:5d}, rows {run['rows']}")
            print(f"  {precision:15s} cold under {s['target_cold_seconds']}s: {s[precision]['cold_meets_target']}; "
                  f"warm output identical: {s[precision]['same_output']}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=float) + "\n")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
