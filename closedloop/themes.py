"""Keep the warehouse's themes up to date: embed, fit or assign, keep ids stable, write ``topics.*``.

This is the glue between the pure ``topics`` library and the DuckDB warehouse; the Dagster assets
in ``orchestration/defs/topics`` call :func:`update_themes` and nothing else.

Each run:

1. reads resolved tickets' redacted subject and body from ``raw.tickets``;
2. decides between a **full refit** (no themes yet, forced by the weekly schedule, or too many new
   tickets fit no existing theme) and a **daily assignment** of the tickets not seen before;
3. embeds only texts the embedding cache (``topics.embedding_cache``) has not seen; tickets in a
   language the model cannot read are embedded as their English glossary gist (``topics.glossary``)
   and join the themes fitted on the readable ones;
4. after a refit, gives each new theme the id (and human name) of the old theme it matches, and
   records new, kept, split, merged and retired ids in ``topics.theme_lineage``, and how many tickets
   assigned daily since the previous fit kept their theme in ``topics.assignment_agreement``;
5. writes ``topics.themes``, ``topics.ticket_themes`` and ``topics.ticket_languages``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

from closedloop.ingest.load import connect

log = logging.getLogger("closedloop.themes")


@dataclass
class ThemeRunReport:
    """What :func:`update_themes` did.

    Attributes:
        mode: ``fit`` (full refit), ``assign`` (daily assignment) or ``noop`` (nothing new).
        tickets: Resolved tickets in the warehouse.
        new_tickets: Tickets without a theme row before this run.
        embedded: Texts embedded by this run (the rest came from the cache).
        themes: Themes after the run (not ignored).
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
    themes: int = 0
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
                f"{self.themes} themes, {self.outlier_share:.1%} without a theme, model {self.model_version}"
                f"{agreement} in {self.seconds:.1f}s")


def theme_key(theme_id: int) -> str:
    """The warehouse id of a theme (``T0007``)."""
    return f"T{theme_id:04d}"


def _theme_int(key: str) -> int:
    return int(key.lstrip("T"))


def update_themes(warehouse: Path, config: object | None = None, force_refit: bool = False,
                  progress: Callable[[str], None] | None = None) -> ThemeRunReport:
    """Bring ``topics.*`` up to date with the resolved tickets in ``warehouse`` (see module docstring).

    Args:
        warehouse: DuckDB warehouse file.
        config: A :class:`topics.config.TopicConfig`; when None, production defaults with the
            environment's thread count and embedding backend (:func:`topics.config.config_from_env`).
        force_refit: Refit even when a daily assignment would do (the weekly schedule sets it).
        progress: Called with log lines.
    """
    from topics.cache import embed_with_cache
    from topics.config import TopicConfig, config_from_env
    from topics.embed import default_model_id, make_embedder
    from topics.glossary import embedding_inputs
    from topics.language import detect_languages
    from topics.text import ticket_text

    cfg: TopicConfig = config if isinstance(config, TopicConfig) else config_from_env()
    say = progress or log.info
    started = time.perf_counter()
    con = connect(warehouse)
    try:
        rows = con.execute(
            "SELECT t.ticket_id, t.subject_redacted, t.body_redacted, a.ticket_id IS NULL AS is_new "
            "FROM raw.tickets t LEFT JOIN topics.ticket_themes a USING (ticket_id) "
            "WHERE t.status IN ('solved', 'closed') ORDER BY t.ticket_id").fetchall()
        ids = [r[0] for r in rows]
        texts = [ticket_text(r[1], r[2], cfg.text.max_body_chars) for r in rows]
        is_new = np.array([bool(r[3]) for r in rows], dtype=bool)
        old = _read_themes(con)
        report = ThemeRunReport(mode="noop", tickets=len(ids), new_tickets=int(is_new.sum()))
        _write_languages(con, ids, texts, detect_languages)
        if not ids:
            say("themes: no resolved tickets yet")
            return report
        vectors_id = default_model_id(cfg.embed)
        fitted_with = {t["embed_model_id"] for t in old.values()}
        changed = bool(old) and fitted_with != {vectors_id}
        if changed:
            before = ", ".join(sorted(m or "unrecorded" for m in fitted_with))
            say(f"themes: fitted on {before} vectors, configured for {vectors_id}: refitting")
        refit = force_refit or not old or changed or _stale(old, cfg.track.refit_every_days)
        if not refit and not report.new_tickets:
            report.themes, report.model_version = len(old), next(iter(old.values()))["model_version"]
            report.outlier_share = _outlier_share(con, len(ids))
            report.seconds = time.perf_counter() - started
            say(report.summary())
            return report
        known = {r[0]: (r[1], r[2]) for r in con.execute(
            "SELECT ticket_id, language, confidence FROM topics.ticket_languages").fetchall()}
        detected = [known.get(i, ("und", 0.0)) for i in ids]
        inputs, languages = embedding_inputs(texts, cfg.text, [d[0] for d in detected], [d[1] for d in detected])
        embedder = make_embedder(cfg.embed, threads=cfg.threads, cache_dir=Path(warehouse).parent / "cache")
        subset = np.arange(len(ids)) if refit else np.flatnonzero(is_new)
        say(f"themes: embedding {len(subset):,} ticket texts (cached texts are reused) ...")
        cached = embed_with_cache(con, [inputs[i] for i in subset], embedder, progress=_embed_progress(say))
        report.embedded = cached.embedded
        if not refit:
            assigned = _assign(con, [ids[i] for i in subset], cached.vectors, old, cfg)
            if assigned < (1 - cfg.track.refit_unassigned_share) * len(subset):
                say(f"themes: only {assigned:,} of {len(subset):,} new tickets fit an existing theme: refitting")
                refit = True
                cached = embed_with_cache(con, inputs, embedder, progress=_embed_progress(say))
                report.embedded += cached.embedded
                subset = np.arange(len(ids))
            else:
                report.mode = "assign"
        if refit:
            report.mode = "fit"
            report.lineage, agreement = _refit(con, ids, texts, cached.vectors, old, cfg, languages, vectors_id)
            if agreement is not None:
                report.assignment_compared, report.assignment_agreement = agreement
        current = _read_themes(con)
        report.themes = sum(1 for t in current.values() if not t["is_ignored"])
        report.model_version = max((t["model_version"] for t in current.values()), default="")
        report.outlier_share = _outlier_share(con, len(ids))
    finally:
        con.close()
    report.seconds = time.perf_counter() - started
    say(report.summary())
    return report


def _embed_progress(say: Callable[[str], None]) -> Callable[[int, int], None]:
    """A progress callback that logs about every 10% with the rate so far."""
    started = time.perf_counter()
    last = [-1]

    def report(done: int, total: int) -> None:
        step = int(10 * done / total) if total else 10
        if step > last[0]:
            last[0] = step
            rate = done / max(time.perf_counter() - started, 1e-9)
            say(f"themes: embedded {done:,}/{total:,} new texts ({rate:,.0f}/s)")

    return report


def _read_themes(con: object) -> dict[str, dict]:
    rows = con.execute(  # type: ignore[attr-defined]
        "SELECT theme_id, label, human_name, keywords, centroid, is_ignored, model_version, created_at, updated_at, "
        "embed_model_id FROM topics.themes WHERE coalesce(is_retired, false) = false").fetchall()
    return {r[0]: {"label": r[1], "human_name": r[2], "keywords": json.loads(r[3] or "[]"),
                   "centroid": np.asarray(r[4], dtype=np.float32) if r[4] is not None else None,
                   "is_ignored": bool(r[5]), "model_version": r[6], "created_at": r[7], "updated_at": r[8],
                   "embed_model_id": r[9]}
            for r in rows}


def _stale(old: dict[str, dict], days: int) -> bool:
    fitted = max((t["updated_at"] for t in old.values() if t["updated_at"] is not None), default=None)
    return fitted is None or (datetime.now() - fitted).days >= days


def _outlier_share(con: object, tickets: int) -> float:
    row = con.execute("SELECT count(*) FROM topics.ticket_themes WHERE theme_id IS NULL").fetchone()  # type: ignore[attr-defined]
    return float(row[0]) / tickets if tickets else 0.0


def _write_languages(con: object, ids: list[str], texts: list[str], detect: Callable) -> None:
    known = {r[0] for r in con.execute("SELECT ticket_id FROM topics.ticket_languages").fetchall()}  # type: ignore[attr-defined]
    todo = [i for i, ticket in enumerate(ids) if ticket not in known]
    if not todo:
        return
    found = detect([texts[i] for i in todo])
    table = pa.table({"ticket_id": [ids[i] for i in todo], "language": [d.language for d in found],
                      "confidence": [d.confidence for d in found]})
    con.register("__langs", table)  # type: ignore[attr-defined]
    con.execute("INSERT INTO topics.ticket_languages SELECT ticket_id, language, confidence FROM __langs")  # type: ignore[attr-defined]
    con.unregister("__langs")  # type: ignore[attr-defined]


def _assign(con: object, ticket_ids: list[str], vectors: np.ndarray, old: dict[str, dict], cfg: object) -> int:
    """Daily assignment: nearest existing centroid above the threshold; returns how many got a theme."""
    from topics.fit import nearest_theme

    keys = [k for k, t in old.items() if t["centroid"] is not None]
    centroids = np.stack([old[k]["centroid"] for k in keys]) if keys else np.zeros((0, vectors.shape[1]))
    best, score = nearest_theme(vectors, centroids, cfg.track.assign_similarity)  # type: ignore[attr-defined]
    theme = [keys[b] if b >= 0 else None for b in best]
    version = next(iter(old.values()))["model_version"]
    _insert_assignments(con, ticket_ids, theme, [float(s) if b >= 0 else 0.0 for b, s in zip(best, score, strict=True)],
                        version, "assign")
    return int((best >= 0).sum())


def _insert_assignments(con: object, ticket_ids: list[str], themes: list[str | None], probabilities: list[float],
                        version: str, how: str) -> None:
    table = pa.table({"ticket_id": ticket_ids, "theme_id": pa.array(themes, pa.string()),
                      "probability": probabilities})
    con.register("__assign", table)  # type: ignore[attr-defined]
    con.execute("DELETE FROM topics.ticket_themes WHERE ticket_id IN (SELECT ticket_id FROM __assign)")  # type: ignore[attr-defined]
    con.execute("INSERT INTO topics.ticket_themes SELECT ticket_id, theme_id, probability, ?, ?, now()::TIMESTAMP "  # type: ignore[attr-defined]
                "FROM __assign", [version, how])
    con.unregister("__assign")  # type: ignore[attr-defined]


def _previous_themes(old: dict[str, dict]) -> list:
    from topics.records import Theme

    return [Theme(theme_id=_theme_int(k), size=0, label=t["label"] or "", keywords=tuple(t["keywords"]),
                  representative_docs=(), representative_texts=(), centroid=t["centroid"],
                  human_name=t["human_name"], ignored=t["is_ignored"])
            for k, t in old.items() if t["centroid"] is not None]


def _refit(con: object, ids: list[str], texts: list[str], vectors: np.ndarray, old: dict[str, dict],
           cfg: object, languages: list[str], vectors_id: str) -> tuple[dict[str, int], tuple[int, float] | None]:
    """Full refit: fit, keep old ids (and human names) where themes match, re-apply human edits, write.

    ``vectors_id`` names the embedding settings of ``vectors``; each theme records it.

    Returns:
        Lineage event counts by kind, and (tickets compared, agreement share) of the daily assignments
        since the previous fit with this refit (None when there were none).
    """
    from topics.edits import apply_edits, ensure_edits_table, load_edits
    from topics.fit import fit_themes
    from topics.stable import match_themes

    daily = dict(con.execute(  # type: ignore[attr-defined]
        "SELECT ticket_id, theme_id FROM topics.ticket_themes WHERE assigned_by = 'assign'").fetchall())
    result = fit_themes(texts, vectors, cfg, languages=languages)  # type: ignore[arg-type]
    previous_docs = {r[0]: _theme_int(r[1]) for r in con.execute(  # type: ignore[attr-defined]
        "SELECT ticket_id, theme_id FROM topics.ticket_themes WHERE theme_id IS NOT NULL").fetchall()}
    retired_max = con.execute("SELECT max(theme_id) FROM topics.themes").fetchone()  # type: ignore[attr-defined]
    next_id = _theme_int(retired_max[0]) + 1 if retired_max and retired_max[0] else None
    matched = match_themes(_previous_themes(old), result, cfg.track,  # type: ignore[attr-defined]
                           previous_docs=previous_docs, doc_keys=ids, next_id=next_id)
    ensure_edits_table(con)  # type: ignore[arg-type]
    edited = apply_edits(matched.result, load_edits(con), texts, vectors, matched.next_id)  # type: ignore[arg-type]
    for edit in edited.skipped:
        log.warning(f"theme edit {edit.edit_id} ({edit.action} T{edit.theme_id:04d}) no longer applies")
    final = edited.result
    version = datetime.now().strftime("%Y%m%dT%H%M%S")
    now = datetime.now()
    theme_rows = []
    for theme in final.themes:
        key = theme_key(theme.theme_id)
        previous = old.get(key, {})
        reps = [ids[i] for i in theme.representative_docs]
        theme_rows.append((key, theme.label, theme.human_name, json.dumps(list(theme.keywords)), json.dumps(reps),
                           int(theme.size), bool(theme.ignored), version, previous.get("created_at") or now, now,
                           [float(x) for x in theme.centroid], False, vectors_id))
    con.execute("UPDATE topics.themes SET is_retired = true")  # type: ignore[attr-defined]
    con.execute("DELETE FROM topics.themes WHERE theme_id IN (SELECT unnest(?))", [[r[0] for r in theme_rows]])  # type: ignore[attr-defined]
    con.executemany("INSERT INTO topics.themes (theme_id, label, human_name, keywords, representative_ticket_ids, "  # type: ignore[attr-defined]
                    "size, is_ignored, model_version, created_at, updated_at, centroid, is_retired, embed_model_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", theme_rows)
    themes = [theme_key(a) if a >= 0 else None for a in final.assignments.tolist()]
    _insert_assignments(con, ids, themes, [float(p) for p in final.probabilities], version, "fit")
    agreement = _record_agreement(con, daily, dict(zip(ids, themes, strict=True)), version, now)
    counts: dict[str, int] = {}
    for edge in matched.lineage:
        con.execute("INSERT INTO topics.theme_lineage VALUES (?, ?, ?, ?, ?, ?)",  # type: ignore[attr-defined]
                    [version, edge.kind,
                     theme_key(edge.old_theme_id) if edge.old_theme_id is not None else None,
                     theme_key(edge.new_theme_id) if edge.new_theme_id is not None else None, edge.share, now])
        counts[edge.kind] = counts.get(edge.kind, 0) + 1
    return counts, agreement


def _record_agreement(con: object, daily: dict[str, str | None], refit: dict[str, str | None], version: str,
                      now: datetime) -> tuple[int, float] | None:
    """Compare daily assignments with the refit (stable ids) and append a row to ``topics.assignment_agreement``.

    A ticket agrees when the refit gave it the theme the daily assignment did, or when neither gave it
    one. Tickets no longer resolved (absent from the refit) are left out.

    Returns:
        (tickets compared, agreement share), or None when no resolved ticket had been assigned daily.
    """
    from topics.assign import assignment_agreement
    from topics.records import UNASSIGNED

    compared = [t for t in daily if t in refit]
    if not compared:
        return None

    def as_int(key: str | None) -> int:
        return _theme_int(key) if key is not None else UNASSIGNED

    measured = assignment_agreement(np.array([as_int(daily[t]) for t in compared]),
                                    np.array([as_int(refit[t]) for t in compared]))
    agreeing = round((measured.same_theme + measured.both_unassigned) * measured.documents)
    share = agreeing / measured.documents
    con.execute("INSERT INTO topics.assignment_agreement VALUES (?, ?, ?, ?, ?)",  # type: ignore[attr-defined]
                [version, now, measured.documents, agreeing, share])
    log.info(f"themes: the refit agreed with {agreeing:,} of {measured.documents:,} daily assignments ({share:.1%})")
    return measured.documents, share
