"""Benchmark link retrieval on several real pair sets: recall@1/5/10/50 of baselines, production and options.

Sets: VLC app-store reviews vs the VLC tracker (``shared/datasets/feedback_to_issues``) and the
duplicate-issue sets assembled by ``bench/link_pairs/jira_duplicates.py`` (read from
``--pairs``, one folder per set; provenance in ``bench/link_pairs/README.md``). Per set, in the
same run with the same vectors: plain title cosine, plain title+body cosine, ``closedloop link`` as
shipped, every single signal, fusion recipes, and the options with a constant to choose (printed
with leave-one-set-out: the constant chosen on the other sets, scored on the held-out one).

Embeddings go through ``topics.embed``'s cache (``--cache``); the score matrices are kept beside it
(``links_signals_<set>.npz``), so a second run embeds nothing. Writes ``bench/results/link_retrieval.json``.

Usage: python bench/link_retrieval.py [--pairs /work/research/link_pairs] [--sets yarn activemq]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.benchlib import write_results  # noqa: E402
from bench.link_pairs.scoring import KS, gold_index, recall, recipes, tuned_families  # noqa: E402
from bench.link_pairs.sets import PairSet, load_pair_set, load_vlc  # noqa: E402
from bench.link_pairs.signals import compute  # noqa: E402
from topics.embed import EmbeddingCache, make_embedder  # noqa: E402
from topics.link import link_embed_config  # noqa: E402

SHARED = next((p for p in (ROOT.parent / "shared", Path("/work/shared")) if p.is_dir()), ROOT.parent / "shared")
Table = dict[str, dict[str, dict[int, float]]]  # recipe -> set -> k -> recall


def score_all(sets: list[PairSet], signals: dict[str, dict[str, np.ndarray]]) -> tuple[Table, dict[str, Table]]:
    """Recall of every recipe on every set, and of every value of every tuned family."""
    index = {s.name: gold_index(s) for s in sets}
    table: Table = {}
    for name, recipe in recipes().items():
        table[name] = {s.name: recall(recipe(signals[s.name]), *index[s.name]) for s in sets}
    families: dict[str, Table] = {}
    for family, values in tuned_families().items():
        families[family] = {value: {s.name: recall(recipe(signals[s.name]), *index[s.name]) for s in sets}
                            for value, recipe in values.items()}
    return table, families


def leave_one_set_out(family: Table, names: list[str], k: int = 10) -> dict[str, dict[str, Any]]:
    """For each held-out set: the value best on the others (mean recall@k) and its recall@k there."""
    out: dict[str, dict[str, Any]] = {}
    for held in names:
        others = [n for n in names if n != held]
        chosen = max(family, key=lambda v: np.mean([family[v][n][k] for n in others]))
        out[held] = {"chosen": chosen, f"recall@{k}": family[chosen][held][k]}
    return out


def _row(name: str, per_set: dict[str, dict[int, float]], names: list[str], base: dict[str, float]) -> str:
    cells = " | ".join(" ".join(f"{per_set[n][k]:.2f}" for k in KS) for n in names)
    ratios = [per_set[n][10] / base[n] if base[n] else float("nan") for n in names]
    return f"{name[:58]:58s} | {cells} | {np.mean([per_set[n][10] for n in names]):.2f} | {min(ratios):.2f}x"


def report(sets: list[PairSet], table: Table, families: dict[str, Table]) -> dict[str, Any]:
    """Print the tables (per set R@1/5/10/50, mean R@10, worst ratio to plain title cosine) and return them."""
    names = [s.name for s in sets]
    base = {n: table["plain title cosine"][n][10] for n in names}
    print("\n" + ", ".join(f"{s.name}: {len(s.queries)} queries, {len(s.backlog)} items, {len(s.gold)} pairs"
                           for s in sets))
    print(f"{'recipe':58s} | " + " | ".join(f"{n + ' R@1/5/10/50':23s}" for n in names)
          + " | mean R@10 | worst R@10 / plain title")
    for name, per_set in table.items():
        print(_row(name, per_set, names, base))
    loso: dict[str, Any] = {}
    for family, values in families.items():
        print(f"\n{family}:")
        for value, per_set in values.items():
            print(_row(f"  {value}", per_set, names, base))
        loso[family] = leave_one_set_out(values, names)
        print("  leave-one-set-out: " + "; ".join(f"{n}: chose {r['chosen']} -> R@10 {r['recall@10']:.2f}"
                                                   for n, r in loso[family].items()))
    pooled = {name: float(np.average([per_set[n][10] for n in names], weights=[len(s.gold) for s in sets]))
              for name, per_set in table.items()}
    return {"sets": {s.name: {"queries": len(s.queries), "items": len(s.backlog), "pairs": len(s.gold)} for s in sets},
            "recall": {r: {n: {f"recall@{k}": v for k, v in per.items()} for n, per in ps.items()}
                       for r, ps in table.items()},
            "pooled_recall@10": pooled,
            "tuned": {f: {v: {n: per[10] for n, per in ps.items()} for v, ps in vals.items()}
                      for f, vals in families.items()},
            "leave_one_set_out": loso}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vlc", default=str(SHARED / "datasets/feedback_to_issues"))
    parser.add_argument("--pairs", default="/work/research/link_pairs", help="folder of assembled pair sets")
    parser.add_argument("--sets", nargs="*", default=["yarn", "activemq"], help="pair sets under --pairs")
    parser.add_argument("--cache", default="/work/research/cache/links_retrieval.duckdb")
    parser.add_argument("--threads", type=int, default=int(os.environ.get("CLOSEDLOOP_TORCH_THREADS", "2")))
    parser.add_argument("--out", default=str(HERE / "results" / "link_retrieval.json"))
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sets = [load_vlc(Path(args.vlc))] + [load_pair_set(Path(args.pairs) / name) for name in args.sets]
    int8 = os.environ.get("CLOSEDLOOP_LINK_INT8", "1").strip().lower() not in ("0", "false", "no")
    embedder = make_embedder(link_embed_config(int8), threads=args.threads)
    cache = EmbeddingCache(args.cache)
    folder = Path(args.cache).parent
    signals = {s.name: compute(s, embedder, cache, folder / f"links_signals_{s.name}.npz") for s in sets}
    table, families = score_all(sets, signals)
    result = report(sets, table, families)
    write_results(args.out, {"embedder": embedder.model_id, **result}, threads=args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
