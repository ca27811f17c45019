"""How a theme should meet a backlog item: by its centroid, or by several of its texts as well.

The pipeline scores each backlog item against every theme and keeps the item's nearest themes as
link candidates (``topics.link.themes``). This bench asks whether a theme represented by several
of its texts (its most central and its most recent) ranks an item's true theme higher than the
theme's centroid alone, and how well each representation separates true from false pairs (the
similarity is a feature of the link-confidence model, so separation matters as much as rank).

Sets, each in the pipeline's direction (an item ranks every theme):

- ``demo:<home>``: a home built by ``closedloop run`` on a demo export; themes and their tickets
  from the warehouse, truth from the export's ``truth/`` (an item's driving theme).
- ``jira:<set>``: a duplicate-issue pair set of ``bench/link_pairs`` (real); a theme is the group of
  issues filed as duplicates of one target, the item is that target, and the backlog is every
  target plus 1,500 other issues of the tracker (seeded). Reported for every target and for the
  targets whose group has at least two issues.
- ``intent:<panel set>``: a labelled panel corpus (real); a theme is 200 texts of one label
  (seeded sample), the item is the label's name, written by the corpus's authors.

``production`` is the pipeline's similarity (``theme_item_similarity``): on demo homes with the
stored centroids and keywords, elsewhere with the centroid of the theme's texts and no keywords.
The other rows add the theme's texts (its ``CENTRAL`` most central and ``RECENT`` latest) in the
ways a multi-vector theme could be scored. Writes ``bench/results/link_theme_profiles.json``.

Usage: python bench/link_theme_profiles.py [--demo-home H ...] [--pairs DIR --jira yarn hdfs ...]
       [--intent clinc150-test hwu64 ...]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.benchlib import write_results  # noqa: E402
from bench.link_pairs.sets import load_pair_set  # noqa: E402
from bench.panel_data import PANEL  # noqa: E402
from topics.embed import EmbeddingCache, make_embedder  # noqa: E402
from topics.link.config import MatchConfig, link_embed_config  # noqa: E402
from topics.link.matcher import BacklogItem, Matcher  # noqa: E402
from topics.link.refresh import SIGNALS, split_code_words  # noqa: E402
from topics.link.themes import ThemeProfile, theme_item_similarity  # noqa: E402
from topics.text import ticket_text  # noqa: E402

SHARED = next((p for p in (ROOT.parent / "shared", Path("/work/shared")) if p.is_dir()), ROOT.parent / "shared")
CENTRAL = 5
"""A theme's texts nearest its centroid that represent it."""
RECENT = 3
"""A theme's latest texts that represent it (a theme's newest sub-problem may be far from its centroid)."""
DISTRACTORS = 1500
PER_LABEL = 200


@dataclass
class Case:
    """One set: backlog, themes (texts oldest first) and the true (item row, theme column) pairs."""

    name: str
    backlog: list[BacklogItem]
    texts: list[list[str]]
    gold: list[tuple[int, int]]
    profiles: list[ThemeProfile] | None = None
    """The pipeline's stored theme profiles, when the set has them (demo homes)."""
    subsets: dict[str, list[tuple[int, int]]] | None = None


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def _dense(matcher: Matcher, vectors: np.ndarray) -> np.ndarray:
    """``(n_vectors, n_items)``: the best dense signal's cosine, as the pipeline takes it."""
    scores = matcher.signal_scores(query_vectors=vectors.astype(np.float32))
    return np.max([s for name, s in scores.items() if name.startswith("dense_")], axis=0)


def representations(matcher: Matcher, case: Case) -> dict[str, np.ndarray]:
    """``(items, themes)`` similarity under each representation of a theme."""
    vectors = _unit(np.asarray(matcher.embed_queries([t for texts in case.texts for t in texts]), dtype=np.float64))
    bounds = np.cumsum([0] + [len(t) for t in case.texts])
    centroids: list[np.ndarray] = []
    exemplars: list[np.ndarray] = []
    owner: list[int] = []
    for j in range(len(case.texts)):
        v = vectors[bounds[j]:bounds[j + 1]]
        centroid = _unit(v.mean(axis=0, keepdims=True))[0]
        chosen = set(np.argsort(-(v @ centroid), kind="stable")[:CENTRAL].tolist()) | set(range(len(v))[-RECENT:])
        centroids.append(centroid)
        exemplars.append(v[sorted(chosen)])
        owner += [j] * len(chosen)
    profiles = case.profiles or [ThemeProfile(str(j), c) for j, c in enumerate(centroids)]
    production = theme_item_similarity(matcher, profiles)
    text_scores = _dense(matcher, np.vstack(exemplars))
    owner_index = np.asarray(owner)
    best = np.zeros_like(production)
    top3 = np.zeros_like(production)
    for j in range(len(case.texts)):
        ranked = -np.sort(-text_scores[owner_index == j], axis=0)
        best[:, j], top3[:, j] = ranked[0], ranked[:3].mean(axis=0)
    return {"production: centroid (and keywords)": production, "texts: best": best,
            "texts: mean of best 3": top3, "production and best 3: mean": (production + top3) / 2,
            "production or best 3: max": np.maximum(production, top3),
            "production or best text: max": np.maximum(production, best)}


def quality(scores: np.ndarray, gold: list[tuple[int, int]]) -> dict[str, float]:
    """Rank of each item's true theme (hit@1, hit@5, MRR) and the AUC of true vs other pairs of those items."""
    ranks = np.array([int((scores[r] > scores[r, c]).sum()) + 1 for r, c in gold])
    rows = sorted({r for r, _ in gold})
    truth = np.zeros((len(rows), scores.shape[1]), dtype=bool)
    index = {r: n for n, r in enumerate(rows)}
    for r, c in gold:
        truth[index[r], c] = True
    values = scores[rows]
    order = values.ravel().argsort().argsort() + 1
    n_pos, n_neg = int(truth.sum()), int((~truth).sum())
    auc = (order[truth.ravel()].sum() - n_pos * (n_pos + 1) / 2) / max(n_pos * n_neg, 1)
    return {"n": len(ranks), "hit1": float((ranks == 1).mean()), "hit5": float((ranks <= 5).mean()),
            "mrr": float((1 / ranks).mean()), "auc": float(auc)}


def demo_case(home: Path) -> Case:
    """A built demo home: the warehouse's themes, their tickets and the planted driving themes."""
    from closedloop.core.warehouse import backlog_item_texts
    from closedloop.demo.link_truth import item_truth, theme_truth

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "warehouse.duckdb"
        shutil.copy(home / "state" / "warehouse.duckdb", copy)
        con = duckdb.connect(str(copy), read_only=True)
        stored = con.execute(
            "SELECT theme_id, centroid, keywords FROM topics.themes WHERE NOT coalesce(is_retired, false) "
            "AND NOT coalesce(is_ignored, false) AND centroid IS NOT NULL "
            "AND coalesce(theme_kind, 'theme') = 'theme' ORDER BY theme_id").fetchall()
        by_theme: dict[str, list[str]] = defaultdict(list)
        for theme_id, subject, body in con.execute(
                "SELECT tt.theme_id, t.subject_redacted, t.body_redacted FROM topics.ticket_themes tt "
                "JOIN raw.tickets t USING (ticket_id) ORDER BY t.created_at, t.ticket_id").fetchall():
            by_theme[theme_id].append(ticket_text(subject, body))
        planted, items = theme_truth(con, home / "demo"), backlog_item_texts(con)
        con.close()
    truth = item_truth(home / "demo")
    stored = [row for row in stored if by_theme[row[0]]]
    gold = [(r, c) for r, (item_id, _, _) in enumerate(items) for c, row in enumerate(stored)
            if (truth.get(item_id) or {}).get("driving_theme") and
            planted.get(row[0]) == truth[item_id]["driving_theme"]]
    backlog = [BacklogItem(i, split_code_words(s or ""), split_code_words(d or "")) for i, s, d in items]
    profiles = [ThemeProfile(r[0], np.asarray(r[1], dtype=np.float32), r[2] or "") for r in stored]
    return Case(f"demo:{home.name}", backlog, [by_theme[r[0]] for r in stored], gold, profiles)


def jira_case(folder: Path) -> Case:
    """Duplicate groups of one tracker as themes; each group's target issue as the item."""
    pairs = load_pair_set(folder)
    query_text = dict(zip(pairs.query_ids, pairs.queries, strict=True))
    groups: dict[str, list[str]] = defaultdict(list)
    for query_id, item_id in pairs.gold:
        groups[item_id].append(query_text[query_id])
    targets = sorted(groups)
    others = [row for row in pairs.backlog if row.item_id not in groups]
    random.Random(1).shuffle(others)
    rows = [row for row in pairs.backlog if row.item_id in groups] + others[:DISTRACTORS]
    position = {row.item_id: n for n, row in enumerate(rows)}
    backlog = [BacklogItem(r.item_id, split_code_words(r.title), split_code_words(r.body)) for r in rows]
    gold = [(position[t], c) for c, t in enumerate(targets)]
    multi = [(r, c) for r, c in gold if len(groups[targets[c]]) >= 2]
    return Case(f"jira:{pairs.name}", backlog, [groups[t] for t in targets], gold, subsets={"groups of 2+": multi})


def intent_case(name: str) -> Case:
    """A labelled corpus: each label's texts as a theme, the label's name as its item."""
    panel = {s.name: s for s in PANEL}[name]
    texts, labels = panel.load(SHARED / "datasets", Path(tempfile.gettempdir()) / "closedloop-panel", 600)
    by_label: dict[str, list[str]] = defaultdict(list)
    for text, label in zip(texts, labels, strict=True):
        by_label[str(label)].append(text)
    names = sorted(by_label)
    rng = random.Random(0)
    sampled = [rng.sample(by_label[n], min(PER_LABEL, len(by_label[n]))) for n in names]
    backlog = [BacklogItem(n, n.replace("_", " ").replace("-", " "), "") for n in names]
    return Case(f"intent:{name}", backlog, sampled, [(i, i) for i in range(len(names))])


def evaluate(case: Case, matcher_for: Callable[[list[BacklogItem]], Matcher]) -> dict[str, Any]:
    """Every representation's quality on one case (and its subsets), printed as it goes."""
    scores = representations(matcher_for(case.backlog), case)
    result: dict[str, Any] = {}
    for subset, gold in {"all": case.gold, **(case.subsets or {})}.items():
        result[subset] = {name: quality(s, gold) for name, s in scores.items()}
        print(f"\n{case.name} ({subset}: {len(gold)} items, {len(case.texts)} themes)")
        print(f"  {'representation':40s} {'hit@1':>6s} {'hit@5':>6s} {'MRR':>6s} {'AUC':>6s}")
        for name, q in result[subset].items():
            print(f"  {name:40s} {q['hit1']:6.3f} {q['hit5']:6.3f} {q['mrr']:6.3f} {q['auc']:6.3f}")
    return result


def summary(results: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per representation, mean and worst MRR and AUC over the cases (their ``all`` rows)."""
    names = list(next(iter(results.values()))["all"])
    out: dict[str, dict[str, float]] = {}
    print(f"\n{'representation':40s} {'mean MRR':>9s} {'worst MRR':>10s} {'mean AUC':>9s} {'worst AUC':>10s}")
    for name in names:
        mrr = [r["all"][name]["mrr"] for r in results.values()]
        auc = [r["all"][name]["auc"] for r in results.values()]
        out[name] = {"mean_mrr": float(np.mean(mrr)), "worst_mrr": float(np.min(mrr)),
                     "mean_auc": float(np.mean(auc)), "worst_auc": float(np.min(auc))}
        print(f"{name:40s} {out[name]['mean_mrr']:9.3f} {out[name]['worst_mrr']:10.3f} "
              f"{out[name]['mean_auc']:9.3f} {out[name]['worst_auc']:10.3f}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo-home", nargs="*", default=[], help="homes built by closedloop run on a demo export")
    parser.add_argument("--pairs", default="/work/research/link_pairs", help="folder of assembled pair sets")
    parser.add_argument("--jira", nargs="*", default=[], help="duplicate pair sets under --pairs")
    parser.add_argument("--intent", nargs="*", default=[], help="panel sets (bench/panel_data.py names)")
    parser.add_argument("--cache", default="/work/research/cache/link_theme_profiles.duckdb")
    parser.add_argument("--threads", type=int, default=int(os.environ.get("CLOSEDLOOP_TORCH_THREADS", "2")))
    parser.add_argument("--out", default=str(HERE / "results" / "link_theme_profiles.json"))
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    Path(args.cache).parent.mkdir(parents=True, exist_ok=True)
    embedder = make_embedder(link_embed_config(), threads=args.threads)
    cache = EmbeddingCache(args.cache)

    def matcher_for(items: list[BacklogItem]) -> Matcher:
        return Matcher(items, MatchConfig(signals=SIGNALS), embedder=embedder, cache=cache)

    cases: list[Callable[[], Case]] = [partial(demo_case, Path(home)) for home in args.demo_home]
    cases += [partial(jira_case, Path(args.pairs) / name) for name in args.jira]
    cases += [partial(intent_case, name) for name in args.intent]
    results: dict[str, dict[str, Any]] = {}
    for make in cases:
        case = make()
        results[case.name] = evaluate(case, matcher_for)
    if not results:
        parser.error("give at least one --demo-home, --jira or --intent set")
    write_results(args.out, {"embedder": embedder.model_id, "central": CENTRAL, "recent": RECENT,
                             "sets": results, "summary": summary(results)}, threads=args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
