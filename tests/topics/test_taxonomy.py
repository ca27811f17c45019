"""Two-level taxonomy: fine themes gathered under top-level groups with stable ids.

Centroids are built inline (families of nearby unit vectors), the warehouse tests use a real
DuckDB file with the ``topics`` schema.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pytest

from topics.records import Theme
from topics.stable import match_groups
from topics.store import ensure_schema, group_key, theme_key
from topics.taxonomy import TaxonomyConfig, build_groups, name_group, parent_of
from topics.theme_groups import update_theme_groups

DIM = 48


def _family_themes(families: int, per_family: int, seed: int = 0, spread: float = 0.25,
                   first_id: int = 0) -> tuple[list[Theme], dict[int, int]]:
    """``families`` well separated directions, ``per_family`` themes around each; theme id -> family."""
    rng = np.random.default_rng(seed)
    themes, family_of = [], {}
    bases = rng.normal(size=(families, DIM))
    for f in range(families):
        for k in range(per_family):
            vec = bases[f] / np.linalg.norm(bases[f]) + spread * rng.normal(size=DIM) / np.sqrt(DIM)
            theme_id = first_id + f * per_family + k
            size = int(rng.integers(20, 200))
            themes.append(Theme(theme_id=theme_id, size=size, label=f"family {f} theme {k}", keywords=(f"f{f}",),
                                representative_docs=(), representative_texts=(),
                                centroid=(vec / np.linalg.norm(vec)).astype(np.float32)))
            family_of[theme_id] = f
    return themes, family_of


def _perturbed(themes: list[Theme], seed: int, noise: float = 0.03) -> list[Theme]:
    rng = np.random.default_rng(seed)
    out = []
    for t in themes:
        vec = t.centroid + noise * rng.normal(size=DIM) / np.sqrt(DIM)
        out.append(t.replace(centroid=(vec / np.linalg.norm(vec)).astype(np.float32),
                             size=max(1, int(t.size * rng.uniform(0.9, 1.1)))))
    return out


def test_groups_form_from_theme_centroids_one_per_family():
    themes, family_of = _family_themes(families=12, per_family=3)
    groups = build_groups(themes)
    assert len(groups) == 12
    for group in groups:
        assert len({family_of[m] for m in group.member_ids}) == 1
    assert [g.group_id for g in groups] == list(range(12))
    assert [g.size for g in groups] == sorted((g.size for g in groups), reverse=True)


def test_group_count_stays_within_the_pm_range_on_many_themes():
    themes, _ = _family_themes(families=60, per_family=3, spread=0.6)
    groups = build_groups(themes)
    assert 10 <= len(groups) <= 30


def test_few_themes_map_one_to_one_except_near_duplicates():
    themes, _ = _family_themes(families=6, per_family=1)
    twin = themes[0].replace(theme_id=99, size=5, centroid=themes[0].centroid)
    groups = build_groups([*themes, twin])
    assert len(groups) == 6
    assert {99, themes[0].theme_id} in [set(g.member_ids) for g in groups]


def test_a_theme_never_has_two_parents_and_excluded_themes_have_none():
    themes, _ = _family_themes(families=12, per_family=3)
    excluded = {themes[4].theme_id, themes[17].theme_id}
    groups = build_groups(themes, exclude=excluded)
    members = [m for g in groups for m in g.member_ids]
    assert len(members) == len(set(members)) == len(themes) - len(excluded)
    assert not excluded & set(parent_of(groups))


def test_a_group_is_named_after_its_largest_member_and_a_human_name_wins():
    themes, _ = _family_themes(families=1, per_family=3)
    largest = max(themes, key=lambda t: t.size)
    assert name_group(themes) == largest.label
    renamed = [t.replace(human_name="Deposit not credited") if t is largest else t for t in themes]
    assert name_group(renamed) == "Deposit not credited"


def test_group_ids_are_stable_across_a_refit_of_the_same_themes():
    themes, _ = _family_themes(families=12, per_family=3)
    first = match_groups([], build_groups(themes), next_id=0)
    again = match_groups(first, build_groups(themes))
    assert {g.member_ids: g.group_id for g in again} == {g.member_ids: g.group_id for g in first}


def test_group_ids_survive_a_small_perturbation_and_a_new_theme():
    themes, family_of = _family_themes(families=12, per_family=3)
    first = match_groups([], build_groups(themes), next_id=0)
    family_group = {family_of[g.member_ids[0]]: g.group_id for g in first}
    moved = _perturbed(themes, seed=5)
    newcomer, _ = _family_themes(families=1, per_family=1, seed=77, first_id=500)
    weights = {t.theme_id: float(t.size) for t in moved}
    again = match_groups(first, build_groups([*moved, *newcomer]), weights=weights)
    for group in again:
        families = {family_of.get(m) for m in group.member_ids} - {None}
        if families:
            assert group.group_id == family_group[families.pop()]
    assert max(g.group_id for g in again) >= 12  # the new family's group has a new id


def _warehouse_with(themes: list[Theme], path: Path, kinds: dict[int, str] | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    ensure_schema(con)
    con.execute("ALTER TABLE topics.themes ADD COLUMN IF NOT EXISTS theme_kind VARCHAR")
    con.execute("DELETE FROM topics.themes")
    for t in themes:
        con.execute("INSERT INTO topics.themes (theme_id, label, keywords, size, is_ignored, model_version, centroid, "
                    "is_retired, theme_kind) VALUES (?, ?, ?, ?, ?, 'v1', ?, false, ?)",
                    [theme_key(t.theme_id), t.label, json.dumps(list(t.keywords)), t.size, t.ignored,
                     [float(x) for x in t.centroid], (kinds or {}).get(t.theme_id, "theme")])
    return con


def _parents(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    return dict(con.execute("SELECT theme_id, parent_group_id FROM topics.themes").fetchall())


def test_warehouse_groups_give_every_theme_but_the_low_information_bucket_one_parent(tmp_path):
    themes, _ = _family_themes(families=12, per_family=3)
    themes[7] = themes[7].replace(ignored=True)
    con = _warehouse_with(themes, tmp_path / "wh.duckdb", kinds={themes[3].theme_id: "low_information"})
    groups = update_theme_groups(con, "v1")
    parents = _parents(con)
    assert parents[theme_key(themes[3].theme_id)] is None
    assert parents[theme_key(themes[7].theme_id)] is None
    assert sum(p is not None for p in parents.values()) == len(themes) - 2
    stored = con.execute("SELECT group_id, size, member_theme_ids FROM topics.theme_groups").fetchall()
    assert len(stored) == len(groups)
    for group_id, size, members in stored:
        member_keys = json.loads(members)
        assert all(parents[m] == group_id for m in member_keys)
        assert size == sum(t.size for t in themes if theme_key(t.theme_id) in member_keys)


def test_warehouse_group_ids_stay_when_the_same_themes_are_grouped_again(tmp_path):
    themes, _ = _family_themes(families=12, per_family=3)
    con = _warehouse_with(themes, tmp_path / "wh.duckdb")
    update_theme_groups(con, "v1")
    before = _parents(con)
    con.execute("UPDATE topics.themes SET parent_group_id = NULL")
    update_theme_groups(con, "v2")
    assert _parents(con) == before
    live = con.execute("SELECT count(*) FROM topics.theme_groups WHERE NOT is_retired").fetchone()
    assert live == (12,)
    assert group_key(3) == "G0003"


@pytest.mark.parametrize("seed", [1, 2])
def test_warehouse_group_ids_survive_a_perturbed_refit(tmp_path, seed):
    themes, _ = _family_themes(families=12, per_family=3)
    con = _warehouse_with(themes, tmp_path / "wh.duckdb")
    update_theme_groups(con, "v1")
    before = _parents(con)
    con.close()
    con = _warehouse_with(_perturbed(themes, seed=seed), tmp_path / "wh.duckdb")
    update_theme_groups(con, "v2")
    assert _parents(con) == before


def test_taxonomy_config_bounds_are_respected_when_set_lower():
    themes, _ = _family_themes(families=12, per_family=3)
    groups = build_groups(themes, config=TaxonomyConfig(min_groups=4, max_groups=6))
    assert 4 <= len(groups) <= 6
