"""Keep the warehouse's themes up to date: embed, fit or assign, keep ids stable, write ``topics.*``.

The caller (the pipeline's theme step) passes an open warehouse connection and the resolved
tickets' redacted text; this module reads and writes only the ``topics`` schema (:mod:`topics.store`).

Each run:

1. decides between a **full refit** (no themes yet, forced by the weekly schedule, the embedding
   settings changed, or too many new tickets fit no existing theme) and a **daily assignment** of
   the tickets not seen before;
2. embeds only texts the embedding cache (``topics.embedding_cache``) has not seen; tickets in a
   language the model cannot read are embedded as their English glossary gist (``topics.glossary``)
   and join the themes fitted on the readable ones;
3. after a refit, gives each new theme the id (and human name) of the old theme it matches, and
   records new, kept, split, merged and retired ids in ``topics.theme_lineage``, and how many tickets
   assigned daily since the previous fit kept their theme in ``topics.assignment_agreement``;
4. writes ``topics.themes``, ``topics.ticket_themes``, ``topics.ticket_languages`` and, after a refit,
   the top-level groups and each theme's parent (:mod:`topics.theme_groups`).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from topics.assign import record_agreement
from topics.config import TopicConfig
from topics.edits import edited_after, merged_away_themes
from topics.embed import CachedEmbeddings, Embedder, default_model_id, embed_with_cache, make_embedder
from topics.embed.cache import rate_progress
from topics.fit import fit_themes, keep_text, nearest_theme
from topics.glossary import embedding_inputs
from topics.language import detect_languages
from topics.records import Theme
from topics.store import ensure_schema, theme_int, theme_key
from topics.text import ticket_text

log = logging.getLogger("closedloop.themes")

TicketText = tuple[str, str | None, str | None]
"""``(ticket_id, subject, body)`` of one resolved ticket, redacted."""


@dataclass(frozen=True)
class StoredTheme:
    """A theme as ``topics.themes`` holds it."""

    label: str | None
    human_name: str | None
    keywords: tuple[str, ...]
    centroid: np.ndarray | None
    is_ignored: bool
    model_version: str
    created_at: datetime | None
    updated_at: datetime | None
    embed_model_id: str | None
    kind: str = "theme"


@dataclass
class ThemeRunReport:
    """What :func:`update_themes` did.

    Attributes:
        mode: ``fit`` (full refit), ``assign`` (daily assignment) or ``noop`` (nothing new).
        tickets: Resolved tickets in the warehouse.
        new_tickets: Tickets without a theme row before this run.
        embedded: Texts embedded by this run.
        from_cache: Texts this run read from the embedding cache without embedding them.
        themes: Themes after the run (not ignored; the low-information bucket is not one).
        low_information: Tickets in the low-information bucket (:mod:`topics.lowinfo`).
        outlier_share: Share of resolved tickets without a theme.
        model_version: Version of the fit the themes come from.
        lineage: Count of lineage events by kind.
        assignment_agreement: After a refit, the share of tickets assigned daily since the previous fit
            whose theme the refit confirmed (same stable id, or no theme in both); None when no refit ran
            or no ticket had been assigned daily.
        assignment_compared: Tickets that share is over.
        seconds: Wall time.
    """

    mode: str
    tickets: int = 0
    new_tickets: int = 0
    embedded: int = 0
    from_cache: int = 0
    themes: int = 0
    low_information: int = 0
    outlier_share: float = 0.0
    model_version: str = ""
    lineage: dict[str, int] = field(default_factory=dict)
    assignment_agreement: float | None = None
    assignment_compared: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for the pipeline log."""
        agreement = ("" if self.assignment_agreement is None else
                     f", refit agreed with {self.assignment_agreement:.1%} of {self.assignment_compared:,} "
                     f"daily assignments")
        return (f"themes ({self.mode}): {self.tickets:,} tickets, {self.new_tickets:,} new, "
                f"{self.embedded:,} embedded, "
                f"{self.themes} themes, {self.low_information:,} low-information, "
                f"{self.outlier_share:.1%} without a theme, model {self.model_version}"
                f"{agreement} in {self.seconds:.1f}s")


@dataclass
class _Run:
    """What one call works on: the connection, settings, tickets and the themes before it."""

    con: duckdb.DuckDBPyConnection
    cfg: TopicConfig
    say: Callable[[str], None]
    redact: Callable[[str], str]
    ids: list[str]
    texts: list[str]
    is_new: np.ndarray
    old: dict[str, StoredTheme]
    report: ThemeRunReport


def update_themes(con: duckdb.DuckDBPyConnection, tickets: Sequence[TicketText], config: TopicConfig | None = None,
                  force_refit: bool = False, progress: Callable[[str], None] | None = None, *,
                  embedder: Embedder | None = None, model_cache_dir: Path | None = None,
                  redact: Callable[[str], str] = keep_text) -> ThemeRunReport:
    """Bring ``topics.*`` up to date with the resolved tickets (see the module docstring).

    Args:
        con: Open warehouse connection; the ``topics`` schema is created when missing.
        tickets: Every resolved ticket's id, subject and body, redacted, in a stable order.
        config: Settings; None means the production defaults with the environment's knobs
            (:func:`topics.config.config_from_env`).
        force_refit: Refit even when a daily assignment would do (the weekly schedule sets it).
        progress: Called with log lines.
        embedder: The embedding backend; None makes the one ``config.embed`` asks for.
        model_cache_dir: Folder for derived model files (the exported ONNX model).
        redact: Applied to representative texts before they are stored.
    """
    from topics.config import config_from_env

    started = time.perf_counter()
    cfg = config or config_from_env()
    say = progress or log.info
    ensure_schema(con)
    run = _start(con, tickets, cfg, say, redact)
    _write_languages(con, run.ids, run.texts)
    if not run.ids:
        say("themes: no resolved tickets yet")
        return run.report
    vectors_id = default_model_id(cfg.embed)
    refit = force_refit or _refit_needed(run, vectors_id)
    if refit or run.report.new_tickets:
        embedder = embedder or make_embedder(cfg.embed, threads=cfg.threads, cache_dir=model_cache_dir)
        _embed_and_update(run, refit, embedder, vectors_id)
        current = _read_themes(con)
        run.report.themes = sum(1 for t in current.values() if not t.is_ignored and t.kind == "theme")
        run.report.model_version = max((t.model_version for t in current.values()), default="")
    else:
        run.report.themes = sum(1 for t in run.old.values() if t.kind == "theme")
        run.report.model_version = next(iter(run.old.values())).model_version
    _update_groups(run)
    run.report.outlier_share = _outlier_share(con, len(run.ids))
    run.report.low_information = int((con.execute(
        "SELECT count(*) FROM topics.ticket_themes JOIN topics.themes USING (theme_id) WHERE theme_kind = "
        "'low_information' AND NOT coalesce(is_retired, false)").fetchone() or (0,))[0])
    run.report.seconds = time.perf_counter() - started
    say(run.report.summary())
    return run.report


def _start(con: duckdb.DuckDBPyConnection, tickets: Sequence[TicketText], cfg: TopicConfig,
           say: Callable[[str], None], redact: Callable[[str], str]) -> _Run:
    """The tickets as texts, which of them have no theme row yet, and the themes before this run."""
    seen = {r[0] for r in con.execute("SELECT ticket_id FROM topics.ticket_themes").fetchall()}
    ids = [t[0] for t in tickets]
    texts = [ticket_text(t[1], t[2], cfg.text.max_body_chars) for t in tickets]
    is_new = np.array([i not in seen for i in ids], dtype=bool)
    report = ThemeRunReport(mode="noop", tickets=len(ids), new_tickets=int(is_new.sum()))
    return _Run(con, cfg, say, redact, ids, texts, is_new, _read_themes(con), report)


def _refit_needed(run: _Run, vectors_id: str) -> bool:
    """No themes yet, themes fitted on other vectors, an edit since the last fit, or the last fit is too old."""
    fitted_with = {t.embed_model_id for t in run.old.values()}
    changed = bool(run.old) and fitted_with != {vectors_id}
    if changed:
        before = ", ".join(sorted(m or "unrecorded" for m in fitted_with))
        run.say(f"themes: fitted on {before} vectors, configured for {vectors_id}: refitting")
    fitted = max((t.updated_at for t in run.old.values() if t.updated_at is not None), default=None)
    if edited := edited_after(run.con, fitted):  # a human edit since the last fit applies at once
        run.say("themes: a theme was edited since the last fit: refitting to apply it")
    return not run.old or changed or edited or _stale(fitted, run.cfg.track.refit_every_days)


def _embed_and_update(run: _Run, refit: bool, embedder: Embedder, vectors_id: str) -> None:
    """Embed what is needed, then assign the new tickets or refit (also when too few new ones fit)."""
    known = {r[0]: (r[1], r[2]) for r in run.con.execute(
        "SELECT ticket_id, language, confidence FROM topics.ticket_languages").fetchall()}
    detected = [known.get(i, ("und", 0.0)) for i in run.ids]
    inputs, languages = embedding_inputs(run.texts, run.cfg.text, [d[0] for d in detected], [d[1] for d in detected])
    subset = np.arange(len(run.ids)) if refit else np.flatnonzero(run.is_new)
    run.say(f"themes: embedding {len(subset):,} ticket texts (cached texts are reused) ...")
    cached = _embed(run, [inputs[i] for i in subset], embedder)
    if not refit:
        assigned = _assign(run.con, [run.ids[i] for i in subset], cached.vectors, run.old, run.cfg)
        if assigned < (1 - run.cfg.track.refit_unassigned_share) * len(subset):
            run.say(f"themes: only {assigned:,} of {len(subset):,} new tickets fit an existing theme: refitting")
            refit = True
            cached = _embed(run, inputs, embedder)
        else:
            run.report.mode = "assign"
    if refit:
        run.report.mode = "fit"
        run.report.lineage, agreement = _refit(run, cached.vectors, languages, vectors_id, embedder)
        if agreement is not None:
            run.report.assignment_compared, run.report.assignment_agreement = agreement


def _embed(run: _Run, texts: list[str], embedder: Embedder) -> CachedEmbeddings:
    cached = embed_with_cache(run.con, texts, embedder, progress=rate_progress(run.say, "themes: embedded"))
    run.report.embedded += cached.embedded
    # A refit after a failed assignment embeds twice; texts embedded by the first call are not "from cache".
    run.report.from_cache = max(0, cached.unique - run.report.embedded)
    return cached


def _read_themes(con: duckdb.DuckDBPyConnection) -> dict[str, StoredTheme]:
    rows = con.execute(
        "SELECT theme_id, label, human_name, keywords, centroid, is_ignored, model_version, created_at, updated_at, "
        "embed_model_id, theme_kind FROM topics.themes WHERE coalesce(is_retired, false) = false").fetchall()
    return {r[0]: StoredTheme(label=r[1], human_name=r[2], keywords=tuple(json.loads(r[3] or "[]")),
                              centroid=np.asarray(r[4], dtype=np.float32) if r[4] is not None else None,
                              is_ignored=bool(r[5]), model_version=r[6], created_at=r[7], updated_at=r[8],
                              embed_model_id=r[9], kind=r[10] or "theme")
            for r in rows}


def _update_groups(run: _Run) -> None:
    """After a refit (or when themes have no groups yet), rebuild the top-level groups (``topics.theme_groups``)."""
    from topics.theme_groups import groups_missing, update_theme_groups

    if run.report.mode == "fit" or groups_missing(run.con):
        update_theme_groups(run.con, run.report.model_version, say=run.say)


def _stale(fitted: datetime | None, days: int) -> bool:
    return fitted is None or (datetime.now() - fitted).days >= days


def _outlier_share(con: duckdb.DuckDBPyConnection, tickets: int) -> float:
    row = con.execute("SELECT count(*) FROM topics.ticket_themes WHERE theme_id IS NULL").fetchone()
    return float(row[0]) / tickets if tickets and row else 0.0


def _write_languages(con: duckdb.DuckDBPyConnection, ids: list[str], texts: list[str]) -> None:
    known = {r[0] for r in con.execute("SELECT ticket_id FROM topics.ticket_languages").fetchall()}
    todo = [i for i, ticket in enumerate(ids) if ticket not in known]
    if not todo:
        return
    found = detect_languages([texts[i] for i in todo])
    table = pa.table({"ticket_id": [ids[i] for i in todo], "language": [d.language for d in found],
                      "confidence": [d.confidence for d in found]})
    con.register("__langs", table)
    con.execute("INSERT INTO topics.ticket_languages SELECT ticket_id, language, confidence FROM __langs")
    con.unregister("__langs")


def _assign(con: duckdb.DuckDBPyConnection, ticket_ids: list[str], vectors: np.ndarray,
            old: dict[str, StoredTheme], cfg: TopicConfig) -> int:
    """Daily assignment: nearest existing centroid above the threshold; returns how many got a theme."""
    keys = [k for k, t in old.items() if t.centroid is not None]
    centroids = (np.stack([c for k in keys if (c := old[k].centroid) is not None]) if keys
                 else np.zeros((0, vectors.shape[1])))
    best, score = nearest_theme(vectors, centroids, cfg.track.assign_similarity)
    theme = [keys[b] if b >= 0 else None for b in best]
    version = next(iter(old.values())).model_version
    _insert_assignments(con, ticket_ids, theme, [float(s) if b >= 0 else 0.0 for b, s in zip(best, score, strict=True)],
                        version, "assign")
    return int((best >= 0).sum())


def _insert_assignments(con: duckdb.DuckDBPyConnection, ticket_ids: list[str], themes: list[str | None],
                        probabilities: list[float], version: str, how: str) -> None:
    table = pa.table({"ticket_id": ticket_ids, "theme_id": pa.array(themes, pa.string()),
                      "probability": probabilities})
    con.register("__assign", table)
    con.execute("DELETE FROM topics.ticket_themes WHERE ticket_id IN (SELECT ticket_id FROM __assign)")
    con.execute("INSERT INTO topics.ticket_themes SELECT ticket_id, theme_id, probability, ?, ?, now()::TIMESTAMP "
                "FROM __assign", [version, how])
    con.unregister("__assign")


def _previous_themes(old: dict[str, StoredTheme]) -> list[Theme]:
    return [Theme(theme_id=theme_int(k), size=0, label=t.label or "", keywords=t.keywords,
                  representative_docs=(), representative_texts=(), centroid=t.centroid,
                  human_name=t.human_name, ignored=t.is_ignored, kind=t.kind)
            for k, t in old.items() if t.centroid is not None]


def _refit(run: _Run, vectors: np.ndarray, languages: list[str], vectors_id: str,
           embedder: Embedder) -> tuple[dict[str, int], tuple[int, float] | None]:
    """Full refit: fit, keep old ids (and human names) where themes match, re-apply human edits, write.

    ``vectors_id`` names the embedding settings of ``vectors``; each theme records it.

    Returns:
        Lineage event counts by kind, and (tickets compared, agreement share) of the daily assignments
        since the previous fit with this refit (None when there were none).
    """
    from topics.edits import apply_edits, load_edits
    from topics.stable import match_themes

    con, ids = run.con, run.ids
    daily: dict[str, str | None] = dict(con.execute(
        "SELECT ticket_id, theme_id FROM topics.ticket_themes WHERE assigned_by = 'assign'").fetchall())
    result = fit_themes(run.texts, vectors, run.cfg, languages=languages, redact=run.redact,
                        embed_names=lambda phrases: embed_with_cache(run.con, phrases, embedder).vectors)
    previous_docs = {r[0]: theme_int(r[1]) for r in con.execute(
        "SELECT ticket_id, theme_id FROM topics.ticket_themes WHERE theme_id IS NOT NULL").fetchall()}
    retired_max = con.execute("SELECT max(theme_id) FROM topics.themes").fetchone()
    next_id = theme_int(retired_max[0]) + 1 if retired_max and retired_max[0] else None
    edits = load_edits(con)
    previous = _previous_themes(run.old) + merged_away_themes(con, edits, set(run.old))
    matched = match_themes(previous, result, run.cfg.track, previous_docs=previous_docs, doc_keys=ids, next_id=next_id)
    edited = apply_edits(matched.result, edits, run.texts, vectors, matched.next_id, doc_keys=ids)
    for edit in edited.skipped:
        log.warning(f"theme edit {edit.edit_id} ({edit.action} T{edit.theme_id:04d}) no longer applies")
    version = datetime.now().strftime("%Y%m%dT%H%M%S")
    now = datetime.now()
    _write_themes(run, edited.result.themes, version, now, vectors_id)
    themes = [theme_key(a) if a >= 0 else None for a in edited.result.assignments.tolist()]
    _insert_assignments(con, ids, themes, [float(p) for p in edited.result.probabilities], version, "fit")
    agreement = record_agreement(con, daily, dict(zip(ids, themes, strict=True)), version, now)
    counts: dict[str, int] = {}
    for edge in matched.lineage:
        con.execute("INSERT INTO topics.theme_lineage VALUES (?, ?, ?, ?, ?, ?)",
                    [version, edge.kind,
                     theme_key(edge.old_theme_id) if edge.old_theme_id is not None else None,
                     theme_key(edge.new_theme_id) if edge.new_theme_id is not None else None, edge.share, now])
        counts[edge.kind] = counts.get(edge.kind, 0) + 1
    return counts, agreement


def _write_themes(run: _Run, themes: Sequence[Theme], version: str, now: datetime, vectors_id: str) -> None:
    """Retire every theme, then (re)write the fitted ones under their stable keys."""
    rows: list[tuple[Any, ...]] = []
    for theme in themes:
        key = theme_key(theme.theme_id)
        previous = run.old.get(key)
        reps = [run.ids[i] for i in theme.representative_docs]
        rows.append((key, theme.label, theme.human_name, json.dumps(list(theme.keywords)), json.dumps(reps),
                     int(theme.size), bool(theme.ignored), version,
                     (previous.created_at if previous else None) or now, now,
                     [float(x) for x in theme.centroid], False, vectors_id, theme.kind))
    run.con.execute("UPDATE topics.themes SET is_retired = true")
    run.con.execute("DELETE FROM topics.themes WHERE theme_id IN (SELECT unnest(?))", [[r[0] for r in rows]])
    run.con.executemany("INSERT INTO topics.themes (theme_id, label, human_name, keywords, representative_ticket_ids, "
                        "size, is_ignored, model_version, created_at, updated_at, centroid, is_retired, "
                        "embed_model_id, theme_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
