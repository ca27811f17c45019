"""Daily assignment of new documents to existing themes, the refit policy, and their agreement.

Daily runs do not refit: each new ticket joins the theme whose centroid is nearest (cosine), or stays
unassigned when no centroid is close enough. A full refit runs on a schedule, or earlier when the
unassigned share passes a threshold. :func:`assignment_agreement` measures how often the daily
answer matches what a refit (matched to stable ids) says about the same tickets.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import numpy as np
from sklearn.metrics import adjusted_rand_score

from topics.config import TrackConfig
from topics.fit import nearest_theme
from topics.records import UNASSIGNED, DocTheme, Theme
from topics.store import theme_int

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class Assignment:
    """Themes of new documents.

    Attributes:
        theme_ids: Stable theme id per document (-1 unassigned).
        probabilities: Cosine similarity to the chosen centroid (0 when unassigned).
    """

    theme_ids: np.ndarray
    probabilities: np.ndarray

    @property
    def unassigned_share(self) -> float:
        """Share of documents no theme was close enough for."""
        return float(np.mean(self.theme_ids == UNASSIGNED)) if len(self.theme_ids) else 0.0

    def doc_themes(self) -> list[DocTheme]:
        """One record per document."""
        return [DocTheme(i, int(t), float(p))
                for i, (t, p) in enumerate(zip(self.theme_ids, self.probabilities, strict=True))]


def assign_documents(embeddings: np.ndarray, themes: Sequence[Theme], min_similarity: float = 0.3) -> Assignment:
    """Assign documents to the nearest existing theme without refitting.

    Args:
        embeddings: Vectors of the new documents.
        themes: Existing themes (ignored themes included: a ticket about an ignored theme stays there).
        min_similarity: Least cosine similarity to a centroid; below it the document stays unassigned.

    Returns:
        Stable theme ids and similarities.
    """
    ids = np.array([t.theme_id for t in themes], dtype=np.int64)
    matrix = np.stack([t.centroid for t in themes]).astype(np.float32) if themes else np.empty((0, 0))
    index, score = nearest_theme(np.asarray(embeddings, dtype=np.float32), matrix, min_similarity)
    theme_ids = np.where(index >= 0, ids[np.maximum(index, 0)] if len(ids) else UNASSIGNED, UNASSIGNED)
    return Assignment(theme_ids=theme_ids.astype(np.int64), probabilities=np.where(index >= 0, score, 0.0))


def needs_refit(unassigned_share: float, days_since_refit: int, config: TrackConfig | None = None) -> bool:
    """Whether to refit: on schedule (``refit_every_days``) or when too many tickets went unassigned."""
    config = config or TrackConfig()
    return days_since_refit >= config.refit_every_days or unassigned_share > config.refit_unassigned_share


@dataclass(frozen=True)
class Agreement:
    """How a daily assignment compares with a refit on the same documents.

    Attributes:
        documents: Documents compared.
        same_theme: Share whose daily theme id equals the refit's stable theme id.
        both_unassigned: Share left unassigned by both.
        ari: Adjusted Rand index between the two partitions (ids need not match).
    """

    documents: int
    same_theme: float
    both_unassigned: float
    ari: float


def assignment_agreement(daily: np.ndarray, refit: np.ndarray) -> Agreement:
    """Agreement between daily assignments and a refit (both in stable ids, same document order)."""
    daily = np.asarray(daily)
    refit = np.asarray(refit)
    if daily.shape != refit.shape:
        raise ValueError(f"daily has {daily.shape} documents, refit {refit.shape}")
    if len(daily) == 0:
        return Agreement(0, 1.0, 0.0, 1.0)
    same = float(np.mean((daily == refit) & (daily != UNASSIGNED)))
    both = float(np.mean((daily == UNASSIGNED) & (refit == UNASSIGNED)))
    return Agreement(documents=len(daily), same_theme=same, both_unassigned=both,
                     ari=float(adjusted_rand_score(refit, daily)))


def record_agreement(con: duckdb.DuckDBPyConnection, daily: dict[str, str | None], refit: dict[str, str | None],
                      version: str, now: datetime) -> tuple[int, float] | None:
    """Compare daily assignments with the refit (stable ids) and append a row to ``topics.assignment_agreement``.

    A ticket agrees when the refit gave it the theme the daily assignment did, or when neither gave it
    one. Tickets no longer resolved (absent from the refit) are left out.

    Returns:
        (tickets compared, agreement share), or None when no resolved ticket had been assigned daily.
    """
    compared = [t for t in daily if t in refit]
    if not compared:
        return None

    def as_int(key: str | None) -> int:
        return theme_int(key) if key is not None else UNASSIGNED

    measured = assignment_agreement(np.array([as_int(daily[t]) for t in compared]),
                                    np.array([as_int(refit[t]) for t in compared]))
    agreeing = round((measured.same_theme + measured.both_unassigned) * measured.documents)
    share = agreeing / measured.documents
    con.execute("INSERT INTO topics.assignment_agreement VALUES (?, ?, ?, ?, ?)",
                [version, now, measured.documents, agreeing, share])
    log.info(f"themes: the refit agreed with {agreeing:,} of {measured.documents:,} daily assignments ({share:.1%})")
    return measured.documents, share
