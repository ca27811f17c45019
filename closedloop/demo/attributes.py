"""Per-ticket attributes drawn with numpy for all tickets at once.

Language, channel, requester, priority, bot path, escalation, first-response time, reopens,
agents and recoveries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from closedloop.demo.common import DAY, HOUR, np_stream
from closedloop.demo.people import TIERS, Staff
from closedloop.demo.text import LANGUAGES
from closedloop.demo.themes import THEME_INDEX, THEMES
from closedloop.demo.timeline import Timeline

ZD_CHANNELS = ("chat", "native_messaging", "email", "mobile_sdk", "web", "twitter", "facebook",
               "voice")
CHANNEL_P = (0.34, 0.06, 0.20, 0.16, 0.06, 0.035, 0.025, 0.12)
"""Planted Zendesk ``via.channel`` mix."""
CANONICAL = {"chat": "chat", "native_messaging": "chat", "email": "email", "mobile_sdk": "in_app",
             "web": "in_app", "twitter": "social", "facebook": "social", "voice": "phone"}
BOT_START_P = np.array((0.9, 0.85, 0.0, 0.9, 0.8, 0.3, 0.3, 0.0))
"""Probability the bot takes the conversation first, per channel."""
FRT_MEDIAN_MINUTES = np.array((1.5, 1.7, 4.5, 1.7, 2.0, 3.5, 3.5, 0.8))
"""Median human queue time per channel before load, hour and priority factors."""
FRT_SIGMA = 0.8
PEAK = np.ones(24)
PEAK[13:17] = 1.5
PEAK[17:20] = 1.15
PEAK[0:6] = 0.9
BOT_CONTAINMENT = 0.30
VIP_SHARE = 0.08
REOPEN_ONCE, REOPEN_TWICE = 0.08, 0.015
QA_SHARE = 0.05
PRIORITIES = ("low", "normal", "high", "urgent")
LANG_CODES = tuple(LANGUAGES)
RECOVERY_STATUS = ("recovered", "unrecoverable", "pending")
ENG, LEGAL, SEC = TIERS.index("engineering"), TIERS.index("legal"), TIERS.index("security")


@dataclass(frozen=True)
class Attributes:
    """Column arrays, one element per ticket, aligned with the sorted creation times.

    ``escalation`` is 0 or the index in ``TIERS`` of the specialist tier; ``recovery`` is 0 (none),
    1 (automatic) or 2 (manual); ``frt`` and ``bot_part`` are seconds after creation.
    """

    created: np.ndarray
    theme: np.ndarray
    lang: np.ndarray
    channel: np.ndarray
    vip: np.ndarray
    requester: np.ndarray
    priority: np.ndarray
    bot_start: np.ndarray
    bot_resolved: np.ndarray
    escalation: np.ndarray
    frt: np.ndarray
    bot_part: np.ndarray
    reopens: np.ndarray
    agent: np.ndarray
    specialist: np.ndarray
    recovery: np.ndarray
    recovery_status: np.ndarray
    qa: np.ndarray


def _pick(rng: np.random.Generator, cum: np.ndarray, ids: tuple[int, ...], n: int) -> np.ndarray:
    idx = np.minimum(np.searchsorted(cum, rng.random(n)), len(ids) - 1)
    return np.asarray(ids, dtype=np.int64)[idx]


def _containment_scale(factor: np.ndarray, eligible: np.ndarray, target: float) -> float:
    """Solve ``mean(min(0.92, k * factor) * eligible) == target`` for ``k`` by bisection."""
    lo, hi = 0.0, 50.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if (np.minimum(0.92, mid * factor) * eligible).mean() < target:
            lo = mid
        else:
            hi = mid
    return hi


def plan_attributes(
    seed: int, created: np.ndarray, theme: np.ndarray, timeline: Timeline, staff: Staff
) -> Attributes:
    """Draw every per-ticket attribute that does not depend on the ticket's own timeline."""
    rng = np_stream(seed, "attributes")
    n = len(created)
    lang_p = np.array(list(LANGUAGES.values()))
    pool, vip_pool = max(500, int(n * 0.55)), max(50, int(n * 0.02))
    vip = rng.random(n) < VIP_SHARE
    ridx = np.minimum((pool * rng.random(n) ** 1.25).astype(np.int64), pool - 1)
    vidx = np.minimum((vip_pool * rng.random(n) ** 1.25).astype(np.int64), vip_pool - 1)
    requester = np.where(vip, 380_000_000 + vidx, 400_000_000 + ridx)
    lang_of = rng.choice(len(lang_p), pool, p=lang_p)
    lang_of_vip = rng.choice(len(lang_p), vip_pool, p=lang_p)
    lang = np.where(vip, lang_of_vip[vidx], lang_of[ridx]).astype(np.int8)
    channel = rng.choice(len(ZD_CHANNELS), n, p=CHANNEL_P).astype(np.int8)

    cum_prio = np.cumsum([t.priority for t in THEMES], axis=1)[theme]
    priority = (rng.random(n)[:, None] > cum_prio[:, :3]).sum(axis=1)
    priority = np.minimum(priority + vip, 3).astype(np.int8)

    bot_start = rng.random(n) < BOT_START_P[channel]
    factor = np.array([t.bot_factor for t in THEMES])[theme]
    eligible = bot_start & ~vip
    k = _containment_scale(factor, eligible, BOT_CONTAINMENT)
    bot_resolved = eligible & (rng.random(n) < np.minimum(0.92, k * factor))
    human = ~bot_resolved

    u = rng.random(n)
    p_sec = np.array([t.security for t in THEMES])[theme]
    p_eng = p_sec + np.array([t.engineering for t in THEMES])[theme]
    p_leg = p_eng + np.array([t.legal for t in THEMES])[theme]
    escalation = np.where(u < p_sec, SEC, np.where(u < p_eng, ENG, np.where(u < p_leg, LEGAL, 0)))
    escalation = np.where(human, escalation, 0)

    wrong = theme == THEME_INDEX["wrong_network_memo"]
    recovery = np.where(wrong & (rng.random(n) < 0.85), 1 + (rng.random(n) < 0.55), 0)
    recovery = np.where(bot_resolved & (recovery == 2), 1, recovery)
    to_eng = (recovery == 2) & (escalation == 0) & (rng.random(n) < 0.35)
    escalation = np.where(to_eng, ENG, escalation).astype(np.int8)
    recovery_status = rng.choice(3, n, p=(0.75, 0.15, 0.10)).astype(np.int8)

    day = (created - timeline.period.start_ts) // DAY
    hour = (created % DAY) // HOUR
    prio_factor = np.array((1.0, 1.0, 0.85, 0.7))[priority]
    queue = (FRT_MEDIAN_MINUTES[channel] * 60 * PEAK[hour] * timeline.load[day]
             * np.where(vip, 0.6, 1.0) * prio_factor * rng.lognormal(0, FRT_SIGMA, n))
    bot_part = np.where(bot_start, 20 + rng.lognormal(np.log(35), 0.5, n), 0).astype(np.int64)
    frt = np.minimum(bot_part + queue, 8 * HOUR).astype(np.int64)
    frt = np.maximum(frt, bot_part + 5)

    share = max(human.mean(), 1e-9)
    u = rng.random(n)
    reopens = np.where(u < REOPEN_TWICE / share, 2, np.where(u < (REOPEN_ONCE + REOPEN_TWICE) / share, 1, 0))
    reopens = np.where(human, reopens, 0).astype(np.int8)

    l1 = _pick(rng, staff.weights["l1"], staff.by_tier["l1"], n)
    vip_agent = _pick(rng, staff.weights["vip"], staff.by_tier["vip"], n)
    agent = np.where(vip, vip_agent, l1)
    specialist = np.zeros(n, dtype=np.int64)
    for tier in ("engineering", "legal", "security"):
        drawn = _pick(rng, staff.weights[tier], staff.by_tier[tier], n)
        specialist = np.where(escalation == TIERS.index(tier), drawn, specialist)
    qa = human & (rng.random(n) < QA_SHARE)
    return Attributes(created, theme, lang, channel, vip, requester, priority, bot_start,
                      bot_resolved, escalation, frt, bot_part, reopens, agent, specialist,
                      recovery.astype(np.int8), recovery_status, qa)
