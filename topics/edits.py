"""Human edits to themes (rename, merge, split off, ignore), stored and re-applied on every run.

Edits refer to stable theme ids (see :mod:`topics.stable`), so they survive refits. They live in
``topics.theme_edits`` in the warehouse (or a dbt seed with the same columns, read with
:func:`edits_from_rows`). An edit whose theme no longer exists is skipped and reported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

import duckdb
import numpy as np

from topics.cluster import unit_rows
from topics.records import FitResult, Theme

EditAction = Literal["rename", "merge", "split_off", "ignore"]
EDITS_TABLE = "topics.theme_edits"
COLUMNS = ("edit_id", "action", "theme_id", "name", "into_theme_id", "pattern", "ticket_ids")


@dataclass(frozen=True)
class ThemeEdit:
    """One human decision about a theme.

    Attributes:
        edit_id: Order of application (edits are applied by ascending id).
        action: ``rename`` (give ``name``), ``merge`` (into ``into_theme_id``), ``split_off`` (documents
            of the theme whose text matches ``pattern``, a case-insensitive regular expression, or whose key
            is in ``ticket_ids``, become a new theme called ``name``), ``ignore`` (hide from reports).
        theme_id: The stable theme id the edit is about.
        name: New name (rename, split_off).
        into_theme_id: Target of a merge.
        pattern: Regular expression selecting the documents to split off.
        ticket_ids: Keys of the documents to split off (ticket ids; with or instead of ``pattern``).
    """

    edit_id: int
    action: EditAction
    theme_id: int
    name: str | None = None
    into_theme_id: int | None = None
    pattern: str | None = None
    ticket_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class EditOutcome:
    """A fit with edits applied, and the edits that no longer applied."""

    result: FitResult
    skipped: tuple[ThemeEdit, ...]


def ensure_edits_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``topics.theme_edits`` (with the rest of the ``topics`` schema) when missing."""
    from topics.store import ensure_schema

    ensure_schema(con)


def save_edit(con: duckdb.DuckDBPyConnection, edit: ThemeEdit) -> None:
    """Store (or replace) an edit."""
    ensure_edits_table(con)
    con.execute(f"insert or replace into {EDITS_TABLE} ({', '.join(COLUMNS)}) values (?, ?, ?, ?, ?, ?, ?)",
                [edit.edit_id, edit.action, edit.theme_id, edit.name, edit.into_theme_id, edit.pattern,
                 json.dumps(list(edit.ticket_ids)) if edit.ticket_ids else None])


def edits_from_rows(rows: Iterable[Mapping[str, object]]) -> list[ThemeEdit]:
    """Edits from table or seed rows (empty strings count as missing), in application order."""

    def value(row: Mapping[str, object], key: str) -> object | None:
        item = row.get(key)
        return None if item is None or item == "" else item

    edits = []
    for row in rows:
        into, tickets = value(row, "into_theme_id"), value(row, "ticket_ids")
        edits.append(ThemeEdit(edit_id=int(str(row["edit_id"])), action=cast(EditAction, str(row["action"])),
                               theme_id=int(str(row["theme_id"])),
                               name=None if value(row, "name") is None else str(row["name"]),
                               into_theme_id=None if into is None else int(str(into)),
                               pattern=None if value(row, "pattern") is None else str(row["pattern"]),
                               ticket_ids=tuple(str(t) for t in json.loads(str(tickets))) if tickets else ()))
    return sorted(edits, key=lambda e: e.edit_id)


def load_edits(con: duckdb.DuckDBPyConnection) -> list[ThemeEdit]:
    """Every stored edit, in application order."""
    ensure_edits_table(con)
    cursor = con.execute(f"select {', '.join(COLUMNS)} from {EDITS_TABLE} order by edit_id")
    return edits_from_rows(dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall())


def edited_after(con: duckdb.DuckDBPyConnection, fitted: datetime | None) -> bool:
    """Whether an edit was stored after ``fitted`` (the last fit's time; False before any fit)."""
    ensure_edits_table(con)
    row = con.execute(f"select max(created_at) from {EDITS_TABLE}").fetchone()
    edited = row[0] if row else None
    return fitted is not None and edited is not None and edited > fitted


def merged_away_themes(con: duckdb.DuckDBPyConnection, edits: Sequence[ThemeEdit], live: set[str]) -> list[Theme]:
    """Retired themes (``topics.themes``) that a merge edit merged away, to match a refit against.

    Without them a merged theme's tickets form a cluster again at the next refit, the cluster gets a
    new id, and the merge (keyed by the old id) no longer applies. ``live`` holds the keys
    (``T0007``) of the themes that are not retired.
    """
    keys = sorted({f"T{e.theme_id:04d}" for e in edits if e.action == "merge"} - live)
    if not keys:
        return []
    rows = con.execute("select theme_id, label, keywords, centroid from topics.themes "
                       "where theme_id in (select unnest(?)) and centroid is not null", [keys]).fetchall()
    return [Theme(theme_id=int(str(r[0]).lstrip("T")), size=0, label=r[1] or "",
                  keywords=tuple(json.loads(r[2] or "[]")), representative_docs=(), representative_texts=(),
                  centroid=np.asarray(r[3], dtype=np.float32))
            for r in rows]


def _merged(target: Theme, source: Theme) -> Theme:
    size = target.size + source.size
    centroid = unit_rows((target.centroid * target.size + source.centroid * source.size)[None, :])[0]
    keywords = tuple(dict.fromkeys(target.keywords + source.keywords))[: max(len(target.keywords), 1)]
    return target.replace(size=size, centroid=centroid, keywords=keywords)


def _split_members(edit: ThemeEdit, members: np.ndarray, texts: Sequence[str],
                   doc_keys: Sequence[str] | None) -> np.ndarray:
    """The documents of ``members`` a split-off edit moves: matching its pattern or listed by key."""
    regex = re.compile(edit.pattern, re.IGNORECASE) if edit.pattern else None
    listed = set(edit.ticket_ids)
    keys = list(doc_keys) if doc_keys is not None else []

    def moves(i: int) -> bool:
        by_text = regex is not None and regex.search(texts[i]) is not None
        return by_text or (bool(keys) and str(keys[i]) in listed)

    return np.array([i for i in members if moves(int(i))], dtype=np.int64)


def apply_edits(result: FitResult, edits: Sequence[ThemeEdit], texts: Sequence[str], embeddings: np.ndarray,
                next_id: int, doc_keys: Sequence[str] | None = None) -> EditOutcome:
    """Apply edits in order to a fit that is already in stable ids.

    Args:
        result: Fit in stable ids.
        edits: Edits in application order.
        texts: The fit's documents (for ``split_off`` patterns).
        embeddings: The fit's document vectors (for the centroid of a split-off theme).
        next_id: First free stable id (for split-off themes; use ``MatchResult.next_id``).
        doc_keys: Key of each document (ticket id), for ``split_off`` edits that list tickets.

    Returns:
        The edited fit, and the edits whose theme no longer exists.
    """
    themes = {t.theme_id: t for t in result.themes}
    assignments = result.assignments.copy()
    skipped: list[ThemeEdit] = []
    for edit in sorted(edits, key=lambda e: e.edit_id):
        theme = themes.get(edit.theme_id)
        if theme is None:
            skipped.append(edit)
            continue
        if edit.action == "rename" and edit.name:
            themes[edit.theme_id] = theme.replace(human_name=edit.name)
        elif edit.action == "ignore":
            themes[edit.theme_id] = theme.replace(ignored=True)
        elif edit.action == "merge" and edit.into_theme_id in themes and edit.into_theme_id != edit.theme_id:
            target_id = int(edit.into_theme_id)
            themes[target_id] = _merged(themes[target_id], theme)
            assignments[assignments == edit.theme_id] = target_id
            del themes[edit.theme_id]
        elif edit.action == "split_off" and (edit.pattern or edit.ticket_ids):
            members = np.flatnonzero(assignments == edit.theme_id)
            moved = _split_members(edit, members, texts, doc_keys)
            if len(moved) == 0 or len(moved) == len(members):
                skipped.append(edit)
                continue
            assignments[moved] = next_id
            rest = np.setdiff1d(members, moved)
            themes[edit.theme_id] = theme.replace(size=len(rest),
                                                  centroid=unit_rows(embeddings[rest].mean(0, keepdims=True))[0])
            themes[next_id] = Theme(theme_id=next_id, size=len(moved), label=edit.name or edit.pattern or "split off",
                                    keywords=(), representative_docs=tuple(int(i) for i in moved[:3]),
                                    representative_texts=tuple(texts[i] for i in moved[:3]),
                                    centroid=unit_rows(embeddings[moved].mean(0, keepdims=True))[0],
                                    human_name=edit.name)
            next_id += 1
        else:
            skipped.append(edit)
    ordered = tuple(sorted(themes.values(), key=lambda t: -t.size))
    edited = FitResult(themes=ordered, assignments=assignments, probabilities=result.probabilities,
                       n_fit_docs=result.n_fit_docs, fit_seconds=result.fit_seconds,
                       weak_structure=result.weak_structure, word_view=result.word_view,
                       word_ratio=result.word_ratio)
    return EditOutcome(result=edited, skipped=tuple(skipped))
