"""Benchmark: theme quality of ``closedloop topics evaluate`` against a default BERTopic() fit.

Runs the production pipeline (same defaults for every data set) on the CLINC150 test split (4,500
in-scope rows), the CLINC150 train split (15,000 in-scope rows) and the Bitext customer-support
sample, and a default ``BERTopic()`` fit on the same embeddings in the same run. Prints a table and
writes bench/results/topics_eval.json.

Targets: never told the number of intents, outliers at most 5 %: CLINC150 test NMI >= 0.92
and ARI >= 0.75; CLINC150 train NMI >= 0.91 and ARI >= 0.72; fitting under 10 s for 5,000 texts.

Usage: python bench/topics_eval.py [--datasets DIR] [--skip-baseline] [--only clinc150-test,...]
                                  [--pooling content-mean|model]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import embedding_cache_file, write_results

HERE = Path(__file__).resolve().parent
DEFAULT_DATASETS = HERE.parent.parent / "shared" / "datasets"


def _write(rows: list[dict[str, str]], text: str, label: str, out: Path) -> Path:
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows([r[text], r[label]] for r in rows)
    return out


def prepare(datasets: Path, workdir: Path) -> dict[str, Path]:
    """Labelled CSVs (text,label) for each benchmark data set, written to a scratch folder."""
    with (datasets / "clinc150" / "clinc150_full.csv").open(newline="", encoding="utf-8") as handle:
        clinc = list(csv.DictReader(handle))
    with (datasets / "bitext_customer_support" / "Bitext_20000_Utterances_Sample.csv").open(
            newline="", encoding="utf-8-sig") as handle:
        bitext = list(csv.DictReader(handle))
    return {
        "clinc150-test": _write([r for r in clinc if r["split"] == "test" and r["intent"] != "oos"], "text",
                                "intent", workdir / "clinc150_test.csv"),
        "clinc150-train": _write([r for r in clinc if r["split"] == "train" and r["intent"] != "oos"], "text",
                                 "intent", workdir / "clinc150_train.csv"),
        "bitext": _write(bitext, "utterance", "intent", workdir / "bitext.csv"),
    }


def baseline(csv_path: Path, cache_path: Path, threads: int, embed: Any = None) -> dict:
    """A default BERTopic() fit (UMAP + HDBSCAN) on the same cached embeddings."""
    from bertopic import BERTopic
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from topics.embed import EmbeddingCache, make_embedder
    from topics.evaluate import read_labelled_csv
    from topics.threads import limit_threads

    texts, labels = read_labelled_csv(csv_path, "text", "label")
    vectors = EmbeddingCache(cache_path).embed(make_embedder(embed, threads=threads), texts).vectors
    with limit_threads(threads):
        started = time.perf_counter()
        topics, _ = BERTopic().fit_transform(texts, embeddings=vectors)
        seconds = time.perf_counter() - started
    n_themes = len(set(topics) - {-1})
    return {"n_themes": n_themes, "outlier_share": round(sum(t == -1 for t in topics) / len(topics), 4),
            "fit_seconds": round(seconds, 2), "nmi": round(float(normalized_mutual_info_score(labels, topics)), 4),
            "ari": round(float(adjusted_rand_score(labels, topics)), 4)}


def main() -> int:
    from topics.config import POOLINGS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=str(DEFAULT_DATASETS))
    parser.add_argument("--out", default=str(HERE / "results" / "topics_eval.json"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--only", help="comma-separated subset of clinc150-test,clinc150-train,bitext")
    parser.add_argument("--pooling", choices=POOLINGS, default=POOLINGS[0],
                        help="text vector from the token vectors (default: content-mean)")
    args = parser.parse_args()

    datasets = Path(args.datasets)
    if not (datasets / "clinc150" / "clinc150_full.csv").exists():
        print(f"no data sets in {datasets}", file=sys.stderr)
        return 1
    from topics.config import EmbedConfig, TopicConfig
    from topics.embed import EmbeddingCache
    from topics.evaluate import evaluate_csv

    cache_file = embedding_cache_file()
    config = TopicConfig(threads=args.threads, embed=EmbedConfig(pooling=args.pooling))
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        files = prepare(datasets, Path(tmp))
        for name, path in files.items():
            if args.only and name not in args.only.split(","):
                continue
            print(f"{name}: closedloop ...", file=sys.stderr, flush=True)
            ours = evaluate_csv(path, "text", "label", config, EmbeddingCache(cache_file))[0]
            entry = {"closedloop": ours}
            if not args.skip_baseline:
                print(f"{name}: BERTopic() ...", file=sys.stderr, flush=True)
                entry["bertopic_default"] = baseline(path, cache_file, args.threads, config.embed)
            results[name] = entry

    header = f"{'data set':15s} {'method':17s} {'rows':>6s} {'themes':>6s} {'outliers':>8s} {'fit s':>6s} " \
             f"{'NMI':>6s} {'ARI':>6s}"
    print(header)
    print("-" * len(header))
    for name, entry in results.items():
        for method, r in entry.items():
            rows = entry["closedloop"]["rows"]
            print(f"{name:15s} {method:17s} {rows:6d} {r['n_themes']:6d} {100 * r['outlier_share']:7.1f}% "
                  f"{r['fit_seconds']:6.1f} {r['nmi']:6.3f} {r['ari']:6.3f}")
    write_results(args.out, {"defaults": repr(config), "results": results}, threads=args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
