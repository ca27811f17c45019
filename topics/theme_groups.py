"""Write the top-level theme groups of the warehouse's themes: ``topics.theme_groups`` and each theme's parent.

After every refit (and once on a warehouse whose themes have no groups yet) the current fine themes
are gathered into groups (:func:`topics.taxonomy.build_groups`), the groups keep the ids of the
groups they continue (:func:`topics.stable.match_groups`), and each theme's ``parent_group_id`` is
set. Ignored themes and the low-information bucket (``theme_kind = 'low_information'``, when the
column exists) get no group. Callers pass an open warehouse connection; the ``topics`` schema must
exist (:func:`topics.store.ensure_schema`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime

import duckdb
import numpy as np
import pyarrow as pa

from topics.records import Theme
from topics.stable import match_groups
from topics.store import group_key, theme_key
from topics.taxonomy import TaxonomyConfig, ThemeGroup, build_groups

log = logging.getLogger("closedloop.themes")

LOW_INFORMATION = "low_information"
"""``topics.themes.theme_kind`` of the bucket of texts that carry no theme; it never gets a group."""


def _key_int(key: str) -> int:
    return int(key.lstrip("GT"))


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    row = con.execute("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'topics' "
                      "AND table_name = ? AND column_name = ?", [table, column]).fetchone()
    return bool(row and row[0])


def current_themes(con: duckdb.DuckDBPyConnection) -> tuple[list[Theme], set[int]]:
    """The current (not retired) themes, and the ids of those that get no group (ignored, low-information)."""
    kind = "theme_kind" if _has_column(con, "themes", "theme_kind") else "NULL"
    rows = con.execute(
        f"SELECT theme_id, label, human_name, keywords, size, centroid, coalesce(is_ignored, false), {kind} "
        "FROM topics.themes WHERE NOT coalesce(is_retired, false) AND centroid IS NOT NULL ORDER BY theme_id"
    ).fetchall()
    themes = [Theme(theme_id=_key_int(r[0]), size=int(r[4] or 0), label=r[1] or "",
                    keywords=tuple(json.loads(r[3] or "[]")), representative_docs=(), representative_texts=(),
                    centroid=np.asarray(r[5], dtype=np.float32), human_name=r[2], ignored=bool(r[6]))
              for r in rows]
    excluded = {_key_int(r[0]) for r in rows if r[6] or r[7] == LOW_INFORMATION}
    return themes, excluded


def stored_groups(con: duckdb.DuckDBPyConnection) -> list[ThemeGroup]:
    """The current (not retired) groups as ``topics.theme_groups`` holds them."""
    rows = con.execute("SELECT group_id, label, size, member_theme_ids, centroid FROM topics.theme_groups "
                       "WHERE NOT coalesce(is_retired, false) ORDER BY group_id").fetchall()
    return [ThemeGroup(group_id=_key_int(r[0]), label=r[1] or "", size=int(r[2] or 0),
                       centroid=np.asarray(r[4], dtype=np.float32),
                       member_ids=tuple(_key_int(t) for t in json.loads(r[3] or "[]")))
            for r in rows if r[4] is not None]


def groups_missing(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether some current theme that should have a group has none (a warehouse from before groups)."""
    themes, excluded = current_themes(con)
    parents = dict(con.execute("SELECT theme_id, parent_group_id FROM topics.themes "
                               "WHERE NOT coalesce(is_retired, false)").fetchall())
    return any(parents.get(theme_key(t.theme_id)) is None for t in themes if t.theme_id not in excluded)


def update_theme_groups(con: duckdb.DuckDBPyConnection, version: str, now: datetime | None = None,
                        config: TaxonomyConfig | None = None,
                        say: Callable[[str], None] | None = None) -> tuple[ThemeGroup, ...]:
    """Rebuild the groups of the current themes, keep their ids stable, write them and each theme's parent.

    Args:
        con: Open warehouse connection with the ``topics`` schema.
        version: Model version the groups are recorded with (the themes' fit).
        now: Time recorded as ``updated_at`` (default: now).
        config: Group counts and thresholds.
        say: Called with one summary line.

    Returns:
        The groups written, with their stable ids.
    """
    config = config or TaxonomyConfig()
    now = now or datetime.now()
    themes, excluded = current_themes(con)
    previous = stored_groups(con)
    ever = con.execute("SELECT max(group_id) FROM topics.theme_groups").fetchone()
    next_id = _key_int(ever[0]) + 1 if ever and ever[0] else None
    weights = {t.theme_id: float(max(t.size, 1)) for t in themes}
    groups = match_groups(previous, build_groups(themes, excluded, config), config, weights=weights,
                          next_id=next_id)
    created = dict(con.execute("SELECT group_id, created_at FROM topics.theme_groups").fetchall())
    rows = [(group_key(g.group_id), g.label, g.size, json.dumps([theme_key(t) for t in g.member_ids]),
             [float(x) for x in g.centroid], version, created.get(group_key(g.group_id)) or now, now, False)
            for g in groups]
    con.execute("UPDATE topics.theme_groups SET is_retired = true")
    con.execute("DELETE FROM topics.theme_groups WHERE group_id IN (SELECT unnest(?))", [[r[0] for r in rows]])
    if rows:
        con.executemany("INSERT INTO topics.theme_groups (group_id, label, size, member_theme_ids, centroid, "
                        "model_version, created_at, updated_at, is_retired) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    parents = pa.table({"theme_id": [theme_key(t) for g in groups for t in g.member_ids],
                        "parent_group_id": [group_key(g.group_id) for g in groups for _ in g.member_ids]})
    con.execute("UPDATE topics.themes SET parent_group_id = NULL")
    con.register("__parents", parents)
    con.execute("UPDATE topics.themes SET parent_group_id = p.parent_group_id FROM __parents AS p "
                "WHERE topics.themes.theme_id = p.theme_id AND NOT coalesce(topics.themes.is_retired, false)")
    con.unregister("__parents")
    kept = len({g.group_id for g in groups} & {g.group_id for g in previous})
    (say or log.info)(f"themes: {len(groups)} top-level groups over {len(themes) - len(excluded)} themes "
                      f"({kept} kept their id, {len(excluded)} themes without a group)")
    return groups
