"""Themes fitted by `closedloop run` recover the pain points planted in the demo data (real model, real run)."""

from __future__ import annotations

import csv
from collections import Counter
from typing import Any

import duckdb
from sklearn.metrics import adjusted_rand_score


def _ticket_themes(demo_pipeline: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Planted theme and fitted theme id of every resolved demo ticket (unassigned counts as its own label)."""
    with (demo_pipeline["data"] / "truth" / "tickets.csv").open(newline="") as handle:
        planted = {row["ticket_id"]: row["theme"] for row in csv.DictReader(handle)}
    con = duckdb.connect(str(demo_pipeline["home"] / "warehouse.duckdb"), read_only=True)
    try:
        fitted = dict(con.execute(
            "SELECT ticket_id::varchar, coalesce(theme_id, 'unassigned') FROM marts.fct_ticket_themes").fetchall())
    finally:
        con.close()
    ids = sorted(set(planted) & set(fitted))
    assert len(ids) >= 0.95 * len(planted), f"only {len(ids)} of {len(planted)} demo tickets have a theme row"
    return [planted[i] for i in ids], [fitted[i] for i in ids]


def test_themes_recover_the_planted_pain_points_with_ari_at_least_0_8(demo_pipeline):
    planted, fitted = _ticket_themes(demo_pipeline)
    ari = adjusted_rand_score(planted, fitted)
    mix = Counter(zip(fitted, planted, strict=True))
    assert ari >= 0.8, f"ARI {ari:.3f} against the planted themes; (theme, planted) counts: {mix.most_common(30)}"


def test_each_large_planted_pain_point_is_the_majority_of_a_theme_of_its_own(demo_pipeline):
    """A PM looking for 'withdrawal stuck' finds a theme that is mostly that, not one shared with another."""
    planted, fitted = _ticket_themes(demo_pipeline)
    sizes = Counter(planted)
    mix = Counter(zip(fitted, planted, strict=True))
    majority = {theme: max((n, p) for (t, p), n in mix.items() if t == theme)[1] for theme in set(fitted)}
    large = {p for p, n in sizes.items() if n >= 0.05 * len(planted) and p != "other"}
    missing = large - set(majority.values())
    assert not missing, f"planted pain points that lead no theme: {sorted(missing)}; themes: {majority}"
