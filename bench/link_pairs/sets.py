"""Read judged pair sets for the link benches: ``queries.csv``, ``backlog.csv``, ``gold.csv`` in one folder.

Format (see ``bench/link_pairs/README.md``): ``queries.csv`` has ``query_id,text``; ``backlog.csv``
has ``item_id,title,body`` and optionally ``labels,components`` (``;``-separated); ``gold.csv`` has
``query_id,item_id``. The VLC set in ``shared/datasets/feedback_to_issues`` is read from its own
columns (``feedback_id``, ``summary``/``description``) into the same shape.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

csv.field_size_limit(1 << 26)  # one VLC issue description is 173k characters; JIRA logs are longer


@dataclass(frozen=True)
class BacklogRow:
    """One backlog item of a pair set."""

    item_id: str
    title: str
    body: str
    labels: str = ""
    components: str = ""


@dataclass(frozen=True)
class PairSet:
    """Queries, backlog and judged pairs of one set.

    Attributes:
        name: Short name (``vlc``, ``yarn``...).
        query_ids: Query ids, in file order.
        queries: Query texts, aligned with ``query_ids``.
        backlog: Backlog items, in file order.
        gold: Judged ``(query_id, item_id)`` pairs whose two ends are present.
    """

    name: str
    query_ids: list[str]
    queries: list[str]
    backlog: list[BacklogRow]
    gold: list[tuple[str, str]]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _kept_gold(rows: list[dict[str, str]], query_col: str, query_ids: list[str],
               backlog: list[BacklogRow]) -> list[tuple[str, str]]:
    queries, items = set(query_ids), {item.item_id for item in backlog}
    pairs = [(r[query_col], r["item_id"]) for r in rows]
    return [pair for pair in dict.fromkeys(pairs) if pair[0] in queries and pair[1] in items]


def load_vlc(folder: Path) -> PairSet:
    """The VLC reviews, tracker and judged pairs of ``shared/datasets/feedback_to_issues``."""
    feedback = _read(folder / "vlc_feedback.csv")
    backlog = [BacklogRow(r["item_id"], r["summary"] or "", r["description"] or "", "", r.get("component") or "")
               for r in _read(folder / "vlc_backlog.csv")]
    ids = [r["feedback_id"] for r in feedback]
    gold = _kept_gold(_read(folder / "vlc_gold.csv"), "feedback_id", ids, backlog)
    return PairSet("vlc", ids, [r["text"] for r in feedback], backlog, gold)


def load_pair_set(folder: Path, name: str | None = None) -> PairSet:
    """A set assembled by ``bench/link_pairs/*.py`` (``queries.csv``, ``backlog.csv``, ``gold.csv``)."""
    queries = _read(folder / "queries.csv")
    backlog = [BacklogRow(r["item_id"], r.get("title") or "", r.get("body") or "", r.get("labels") or "",
                          r.get("components") or "") for r in _read(folder / "backlog.csv")]
    ids = [r["query_id"] for r in queries]
    gold = _kept_gold(_read(folder / "gold.csv"), "query_id", ids, backlog)
    return PairSet(name or folder.name, ids, [r["text"] for r in queries], backlog, gold)
