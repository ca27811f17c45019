"""Support tiers (Zendesk groups), agents, the bot and QA reviewers.

Agent workload within a group is Zipf-like: agent ``k`` (1-based) gets weight ``1 / k**s``, so
a few senior agents handle far more tickets than the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from closedloop.demo.common import DAY, py_stream
from closedloop.demo.pii import FIRST, LAST

TIERS = ("bot", "l1", "vip", "engineering", "legal", "security")
"""Tier names used in ``truth/tickets.csv`` ``tier_path``, in group order."""
GROUP_NAMES = ("Bot", "L1 Support", "VIP", "Engineering", "Legal", "Security")
GROUP_IDS = tuple(360_000_000_101 + i for i in range(len(TIERS)))
AGENTS_PER_TIER = {"l1": 60, "vip": 10, "engineering": 8, "legal": 3, "security": 6}
ZIPF_S = {"l1": 1.3, "vip": 0.9, "engineering": 0.8, "legal": 0.5, "security": 0.7}
BOT_ID = 900_000_000_001
QA_REVIEWERS = 3
SUPPORT_DOMAIN = "support.example-exchange.com"


@dataclass(frozen=True)
class Agent:
    """A help-desk user: an agent, an admin (QA reviewer) or the bot."""

    id: int
    name: str
    email: str
    role: str
    tier: str
    is_bot: bool
    created_at: int


@dataclass(frozen=True)
class Staff:
    """Everybody who works tickets, plus the workload weights per tier."""

    agents: tuple[Agent, ...]
    by_tier: dict[str, tuple[int, ...]]
    weights: dict[str, np.ndarray]
    reviewers: tuple[int, ...]

    def group_id(self, tier: str) -> int:
        """Return the Zendesk group id of ``tier``."""
        return GROUP_IDS[TIERS.index(tier)]


def build_staff(seed: int, start_ts: int) -> Staff:
    """Create the bot, agents per tier and QA reviewers, with Zipf workload weights."""
    rng = py_stream(seed, "people")
    agents = [
        Agent(BOT_ID, "ExBot (virtual assistant)", f"exbot@{SUPPORT_DOMAIN}", "agent", "bot",
              True, start_ts - 400 * DAY)
    ]
    by_tier: dict[str, tuple[int, ...]] = {"bot": (BOT_ID,)}
    used: set[str] = set()
    next_id = 900_000_001_001
    for tier, count in AGENTS_PER_TIER.items():
        ids: list[int] = []
        for _ in range(count):
            while True:
                first, last = rng.choice(FIRST), rng.choice(LAST)
                if f"{first}.{last}" not in used:
                    used.add(f"{first}.{last}")
                    break
            created = start_ts - rng.randint(30, 900) * DAY
            agents.append(Agent(next_id, f"{first.title()} {last.title()}",
                                f"{first}.{last}@{SUPPORT_DOMAIN}", "agent", tier, False, created))
            ids.append(next_id)
            next_id += 1
        by_tier[tier] = tuple(ids)
    reviewers: list[int] = []
    for i in range(QA_REVIEWERS):
        agents.append(Agent(next_id, f"QA Reviewer {i + 1}", f"qa{i + 1}@{SUPPORT_DOMAIN}",
                            "admin", "l1", False, start_ts - 500 * DAY))
        reviewers.append(next_id)
        next_id += 1
    weights = {}
    for tier, s in ZIPF_S.items():
        w = 1.0 / np.arange(1, AGENTS_PER_TIER[tier] + 1) ** s
        weights[tier] = np.cumsum(w / w.sum())
    return Staff(tuple(agents), by_tier, weights, tuple(reviewers))


def user_record(agent: Agent, iso: str) -> dict[str, object]:
    """Return the ``users.jsonl`` object of one help-desk user."""
    return {
        "id": agent.id,
        "name": agent.name,
        "email": agent.email,
        "role": agent.role,
        "default_group_id": GROUP_IDS[TIERS.index(agent.tier)],
        "created_at": iso,
        "active": True,
        "user_fields": {"is_bot": agent.is_bot},
    }
