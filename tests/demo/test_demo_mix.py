"""The planted language, channel and tier mix on 5,000 tickets matches the README.

Tolerance: a share drawn independently per ticket (or per requester, for languages) from
probability p over n = 5,000 tickets has standard error sqrt(p(1-p)/n) <= 0.7 points; we allow
four standard errors plus half a point for requesters who write several tickets. Tier shares
that depend on the theme mix are stated in the doc as approximate and get the tolerance the
doc gives next to them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "README.md"


def _table(section: str) -> dict[str, tuple[float, float | None]]:
    """Rows ``| key | ... | 12.5% |`` (optionally ``± 1.0``) under the heading ``section``."""
    text = DOC.read_text(encoding="utf-8")
    body = text.split(f"### {section}\n", 1)[1].split("\n#", 1)[0]
    rows = {}
    for line in body.splitlines():
        match = re.match(r"\|\s*`?([\w .>-]+?)`?\s*\|.*?\|\s*≈?\s*([\d.]+)%(?:\s*±\s*([\d.]+))?\s*\|$", line)
        if match:
            tol = float(match.group(3)) / 100 if match.group(3) else None
            rows[match.group(1)] = (float(match.group(2)) / 100, tol)
    return rows


def _close(observed: float, planted: float, tol: float | None, n: int) -> bool:
    allowed = tol if tol is not None else 4 * math.sqrt(planted * (1 - planted) / n) + 0.005
    return abs(observed - planted) <= allowed


def test_the_doc_states_every_language_channel_and_tier_share() -> None:
    assert len(_table("Languages")) == 15
    assert len(_table("Channels")) == 8
    assert {"bot_resolved", "vip", "engineering", "legal", "security"} <= set(_table("Tiers"))


@pytest.mark.parametrize("section", ["Languages", "Channels"])
def test_language_and_channel_shares_match_the_doc(
    section: str, truth_tickets: dict[int, dict[str, str]], tickets: dict[int, dict]
) -> None:
    n = len(tickets)
    if section == "Languages":
        counts = Counter(row["language"] for row in truth_tickets.values())
    else:
        counts = Counter(t["via"]["channel"] for t in tickets.values())
    planted = _table(section)
    assert set(counts) <= set(planted)
    for key, (share, tol) in planted.items():
        assert _close(counts[key] / n, share, tol, n), (key, counts[key] / n, share)


def test_tier_shares_match_the_doc(truth_tickets: dict[int, dict[str, str]]) -> None:
    rows = list(truth_tickets.values())
    n = len(rows)
    observed = {
        "bot_resolved": sum(r["bot_resolved"] == "true" for r in rows) / n,
        **{tier: sum(tier in r["tier_path"].split(">") for r in rows) / n
           for tier in ("vip", "engineering", "legal", "security")},
    }
    for key, value in observed.items():
        share, tol = _table("Tiers")[key]
        assert _close(value, share, tol, n), (key, value, share)
