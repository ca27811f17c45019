"""The labelled corpora of the theme panel (bench/topics_panel.py), read in place from the shared data sets.

Every loader returns ``(texts, labels)``; samples are seeded subsets of the full sets, so they reuse
the full set's cached vectors.
"""

from __future__ import annotations

import csv
import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATASETS = next((p for p in (HERE.parent.parent / "shared" / "datasets",
                         HERE.parent.parent.parent / "shared" / "datasets") if p.exists()),
                        HERE.parent.parent / "shared" / "datasets")
"""``shared/datasets`` beside the repository (or beside its worktree folder); override with ``--datasets``."""

Labelled = tuple[list[str], list[str]]


def _rows(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(newline="", encoding=encoding) as handle:
        return list(csv.DictReader(handle))


def clinc150(datasets: Path, split: str) -> Labelled:
    """CLINC150 in-scope requests of one split (``oos`` left out, as bench/topics_eval.py does)."""
    rows = [r for r in _rows(datasets / "clinc150" / "clinc150_full.csv")
            if r["split"] == split and r["intent"] != "oos"]
    return [r["text"] for r in rows], [r["intent"] for r in rows]


def bitext(datasets: Path) -> Labelled:
    """Bitext customer-support utterances and their 27 intents."""
    rows = _rows(datasets / "bitext_customer_support" / "Bitext_20000_Utterances_Sample.csv", "utf-8-sig")
    return [r["utterance"] for r in rows], [r["intent"] for r in rows]


def hwu64(datasets: Path) -> Labelled:
    """HWU64 requests (the ten folds joined) and their 64 intents."""
    rows = _rows(datasets / "hwu64" / "hwu64.csv")
    return [r["text"] for r in rows], [r["intent"] for r in rows]


def stackoverflow(datasets: Path) -> Labelled:
    """StackOverflow question titles and their 20 tags."""
    rows = _rows(datasets / "stackoverflow" / "stackoverflow.csv")
    return [r["text"] for r in rows], [r["tag"] for r in rows]


def tickets(datasets: Path, name: str, max_body_chars: int) -> Labelled:
    """Multilingual support tickets: text = subject + body (as production builds it), label = queue."""
    from topics.text import ticket_text

    rows = _rows(datasets / "multilingual_tickets" / name)
    return [ticket_text(r["subject"], r["body"], max_body_chars) for r in rows], [r["queue"] for r in rows]


def demo(workdir: Path, n_tickets: int, max_body_chars: int) -> Labelled:
    """Generated demo tickets (``closedloop.demo.generate``); label = the planted theme of truth/tickets.csv."""
    from closedloop.demo import generate
    from topics.text import ticket_text

    out = workdir / f"demo-{n_tickets}"
    if not (out / "truth" / "tickets.csv").exists():
        generate(out, tickets=n_tickets)
    planted = {r["ticket_id"]: r["theme"] for r in _rows(out / "truth" / "tickets.csv")}
    texts, labels = [], []
    with (out / "zendesk" / "tickets.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            ticket = json.loads(line)
            theme = planted.get(str(ticket["id"]))
            if theme is not None:
                texts.append(ticket_text(ticket.get("subject"), ticket.get("description"), max_body_chars))
                labels.append(theme)
    return texts, labels


STC2_DATASETS = os.environ.get("CLOSEDLOOP_STC2_DATASETS", "")
"""Folder with two more public short-text clustering sets, kept outside the repository (not part of the
shared panel): ``Biomedical.txt`` / ``Biomedical_gnd.txt`` (20,000 PubMed article titles, 20 MeSH
topics) and ``SearchSnippets.txt`` / ``SearchSnippets_gnd.txt`` (12,340 web search result snippets,
8 domains, stop words already removed), from the short-text clustering benchmark of Xu et al. 2017
("Self-Taught Convolutional Neural Networks for Short Text Clustering", Neural Networks 88), repository
jacoxu/STC2 @34a28c5, folder ``dataset/``; no licence file there, so they are read in place, never
copied. Get them with ``git clone https://github.com/jacoxu/STC2`` and point this variable at its
``dataset`` folder."""


def stc2(name: str) -> Labelled:
    """One STC2 set (``Biomedical`` or ``SearchSnippets``) from ``CLOSEDLOOP_STC2_DATASETS``, a line per text."""
    folder = Path(STC2_DATASETS)
    lines = (folder / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    texts = [line.strip().lstrip("\ufeff") for line in lines]
    labels = [line.strip() for line in (folder / f"{name}_gnd.txt").read_text(encoding="utf-8").splitlines()]
    if len(texts) != len(labels):
        raise ValueError(f"{folder / name}: {len(texts)} texts but {len(labels)} labels")
    return texts, labels


def sample(data: Labelled, n: int, seed: int = 0) -> Labelled:
    """A seeded random subset of ``n`` rows (all rows when there are fewer), in original order."""
    texts, labels = data
    if n >= len(texts):
        return texts, labels
    keep = sorted(random.Random(seed).sample(range(len(texts)), n))
    return [texts[i] for i in keep], [labels[i] for i in keep]


@dataclass(frozen=True)
class PanelSet:
    """One row group of the panel.

    Attributes:
        name: Short name used by ``--sets``.
        load: ``(datasets folder, scratch folder, max body characters) -> (texts, labels)``.
        quick: Part of the ``--quick`` panel (small sets only).
    """

    name: str
    load: Callable[[Path, Path, int], Labelled]
    quick: bool = False


PANEL: tuple[PanelSet, ...] = (
    PanelSet("clinc150-test", lambda d, w, b: clinc150(d, "test"), quick=True),
    PanelSet("clinc150-train", lambda d, w, b: clinc150(d, "train")),
    PanelSet("bitext", lambda d, w, b: bitext(d)),
    PanelSet("hwu64", lambda d, w, b: hwu64(d)),
    PanelSet("hwu64-3k", lambda d, w, b: sample(hwu64(d), 3000), quick=True),
    PanelSet("stackoverflow", lambda d, w, b: stackoverflow(d)),
    PanelSet("stackoverflow-5k", lambda d, w, b: sample(stackoverflow(d), 5000), quick=True),
    PanelSet("tickets-5lang", lambda d, w, b: tickets(d, "tickets_en_de_es_fr_pt.csv", b), quick=True),
    PanelSet("tickets-en-de", lambda d, w, b: tickets(d, "tickets_en_de.csv", b), quick=True),
    PanelSet("demo-1500", lambda d, w, b: demo(w, 1500, b), quick=True),
    PanelSet("demo-20000", lambda d, w, b: demo(w, 20_000, b)),
    PanelSet("demo-100000", lambda d, w, b: demo(w, 100_000, b)),
)
"""Every set, in the order the panel runs them (small and fast first)."""

EXTRA: tuple[PanelSet, ...] = (
    PanelSet("biomedical", lambda d, w, b: stc2("Biomedical")),
    PanelSet("biomedical-5k", lambda d, w, b: sample(stc2("Biomedical"), 5000)),
    PanelSet("searchsnippets", lambda d, w, b: stc2("SearchSnippets")),
    PanelSet("searchsnippets-5k", lambda d, w, b: sample(stc2("SearchSnippets"), 5000)),
)
"""Sets outside the shared panel (``STC2_DATASETS``), for checking a rule on data it was not chosen on."""
