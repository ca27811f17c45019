"""Recall@k of rankings against human-judged (query, item) pairs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence


def recall_at_k(rankings: Mapping[str, Sequence[str]], gold: Iterable[tuple[str, str]],
                ks: Sequence[int] = (1, 5, 10)) -> dict[int, float]:
    """Share of judged pairs whose item is among its query's top ``k``.

    Args:
        rankings: Query id to item ids, best first (at least ``max(ks)`` long to be exact).
        gold: Judged ``(query_id, item_id)`` pairs; a query may have several.
        ks: Cut-offs.

    Returns:
        ``k`` to recall in [0, 1]; 0 for every ``k`` when there are no judged pairs.
    """
    pairs = list(gold)
    out: dict[int, float] = {}
    for k in ks:
        hits = sum(1 for query, item in pairs if item in list(rankings.get(query, ()))[:k])
        out[k] = hits / len(pairs) if pairs else 0.0
    return out
