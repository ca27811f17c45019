"""One ticket's lifecycle.

Text, audits (tier hops, comments, status changes), reopens, survey, QA review, security
intervention and deposit recovery.

Times are kept as integer seconds after creation while the audit trail is built; the writer turns
them into timestamps.
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass

from closedloop.demo import messages as msg
from closedloop.demo.attributes import (
    CANONICAL,
    LANG_CODES,
    PRIORITIES,
    ZD_CHANNELS,
    Attributes,
)
from closedloop.demo.common import DAY, HOUR, MINUTE, Period, to_ts
from closedloop.demo.people import BOT_ID, TIERS, Staff
from closedloop.demo.text import Slots, compose
from closedloop.demo.themes import THEMES

SYSTEM = -1
"""Author id Zendesk uses for automations (the close-after-solve rule)."""
SECURITY_ACTIONS = ("account_frozen", "funds_frozen", "password_reset", "no_action")
SECURITY_WEIGHTS = (0.45, 0.25, 0.2, 0.1)
SECURITY_TARGET_MINUTES = 15
CLOSE_AFTER = 4 * DAY
CONTACT_P = 0.1
DUPLICATE_VERSION_P = 0.02
COVERAGE = {0: 0.965, 1: 0.978}
"""Survey coverage by quarter index of the solve; 100% from the third quarter on."""
SPECIALIST_DELAY = {"engineering": (20 * HOUR, 0.8), "legal": (4 * DAY, 0.5),
                    "security": (2 * HOUR, 0.8)}

Event = tuple[object, ...]
"""``("Comment", author, public, body)``, ``("Create", field, value)`` or
``("Change", field, value, previous)``."""


@dataclass
class Ticket:
    """Everything the writers need about one ticket (times in seconds after ``created``)."""

    id: int
    created: int
    theme: str
    lang: str
    channel: str
    priority: str
    priority_exported: str | None
    requester: int
    subject: str
    body: str
    tags: list[str]
    audits: list[tuple[int, int, str, list[Event]]]
    tier_path: list[str]
    assignee: int
    first_agent: int | None
    frt: int | None
    solved: int
    reopens: int
    bot_start: bool
    bot_resolved: bool
    status: str
    updated: int
    earlier: tuple[int, str, int, int | None] | None
    backlog_key: str | None
    security: tuple[int, str, int] | None
    recovery: tuple[str, float, str, str, int | None] | None
    rating: tuple[int, int, int | None, str | None] | None
    qa: tuple[int, int, int, int, int, int, str | None] | None


class TicketBuilder:
    """Builds tickets from the planned attributes; one instance per generation run."""

    def __init__(
        self, attrs: Attributes, staff: Staff, period: Period, ticket_base: int,
        key_windows: dict[int, tuple[tuple[int, int, str], ...]], key_rate: float,
    ) -> None:
        """Keep the shared inputs and precompute agent names for macros."""
        self.a = attrs
        self.staff = staff
        self.period = period
        self.start_ts, self.end_ts = period.start_ts, period.end_ts
        self.base = ticket_base
        self.key_windows = key_windows
        self.key_rate = key_rate
        self.names = {agent.id: agent.name.split(" ")[0] for agent in staff.agents}
        self.quarter_bounds = [
            to_ts(period.day(d)) for d in range(1, period.days)
            if period.day(d).day == 1 and period.day(d).month in (1, 4, 7, 10)
        ]

    def _gid(self, tier: str) -> int:
        return self.staff.group_id(tier)

    def build(self, i: int, rng: random.Random) -> Ticket:
        """Build ticket number ``i`` (0-based, creation order) with the chunk's ``rng``."""
        a = self.a
        created = int(a.created[i])
        theme = THEMES[int(a.theme[i])]
        lang = LANG_CODES[int(a.lang[i])]
        channel = ZD_CHANNELS[int(a.channel[i])]
        requester = int(a.requester[i])
        vip = bool(a.vip[i])
        priority = PRIORITIES[int(a.priority[i])]
        day = (created - self.start_ts) // DAY
        subject, body, slots = compose(rng, lang, theme.slug, channel, day, CONTACT_P)
        exported = None if priority == "normal" and rng.random() < 0.01 else priority

        audits: list[tuple[int, int, str, list[Event]]] = []
        bot_start, bot_resolved = bool(a.bot_start[i]), bool(a.bot_resolved[i])
        first_tier = "bot" if bot_start else ("vip" if vip else "l1")
        create: list[Event] = [
            ("Comment", requester, True, body), ("Create", "status", "new"),
            ("Create", "priority", exported), ("Create", "group_id", self._gid(first_tier)),
        ]
        if bot_start:
            create.append(("Create", "assignee_id", BOT_ID))
        audits.append((0, requester, channel, create))
        path = [first_tier]
        status = "new"
        frt: int | None = None
        agent: int | None = None
        assignee = BOT_ID if bot_start else 0
        security = recovery = None
        t = 0
        if bot_start:
            t = rng.randint(3, 25)
            audits.append((t, BOT_ID, "api", [
                ("Comment", BOT_ID, True, rng.choice(msg.BOT_GREETING)),
                ("Change", "status", "open", "new")]))
            status = "open"
        if bot_resolved:
            t += 20 + int(rng.lognormvariate(math.log(80), 0.6))
            audits.append((t, requester, channel, [
                ("Comment", requester, True, rng.choice(msg.FOLLOW_UPS[lang]))]))
            t += rng.randint(10, 180)
            audits.append((t, BOT_ID, "api", [
                ("Comment", BOT_ID, True, rng.choice(msg.BOT_CLOSE)),
                ("Change", "status", "solved", status)]))
            status = "solved"
        else:
            t, status, assignee, frt, agent, security = self._human(
                i, rng, audits, path, status, t, channel, requester, lang, theme.slug)
        if a.recovery[i]:
            recovery = self._recovery(i, rng, slots, created)
            if recovery[2] == "manual" and recovery[4] is not None and recovery[4] > t:
                last = audits.pop()
                t = recovery[4] + rng.randint(5 * MINUTE, 2 * HOUR)
                audits.append((t, last[1], last[2], last[3]))
        solved = t
        solved = self._reopens(i, rng, audits, solved, requester, channel, lang, assignee)
        # Squeeze the trail into the period if the ticket would end after the export.
        limit = self.end_ts - 3 * HOUR - created
        if solved > limit:
            factor = limit / solved
            squeezed, prev = [], 0
            for off, author, via, events in audits:
                new = max(int(off * factor), prev + 1) if off else 0
                squeezed.append((new, author, via, events))
                prev = new
            mapping = {old[0]: new[0] for old, new in zip(audits, squeezed, strict=True)}
            audits = squeezed
            solved = audits[-1][0]
            frt = mapping.get(frt, frt) if frt is not None else None
            if security:
                flagged = mapping.get(security[0], int(security[0] * factor))
                minutes = max(1, min(security[2], (limit - flagged) // MINUTE))
                security = (flagged, security[1], minutes)
            if recovery and recovery[4] is not None:
                rec_at = min(int(recovery[4] * factor), solved - 1)
                recovery = (*recovery[:4], rec_at)
        status = "solved"
        if created + solved + CLOSE_AFTER < self.end_ts - HOUR:
            close_at = solved + CLOSE_AFTER + rng.randint(0, 6 * HOUR)
            close_at = min(close_at, self.end_ts - HOUR - created)
            audits.append((close_at, SYSTEM, "rule", [("Change", "status", "closed", "solved")]))
            status = "closed"
        rating = self._survey(i, rng, created, solved, frt, vip)
        updated = audits[-1][0]
        if rating is not None:
            updated = max(updated, rating[1])
        qa = None
        if a.qa[i] and agent is not None:
            reviewed = solved + rng.randint(DAY, 10 * DAY)
            if created + reviewed < self.end_ts:
                qa = self._qa(rng, reviewed, agent, frt, int(a.reopens[i]))
        earlier = None
        if rng.random() < DUPLICATE_VERSION_P and len(audits) > 2:
            off = audits[1][0]
            earlier = (off, "open", self._gid(path[0]), BOT_ID if bot_start else None)
        tags = [*theme.tags]
        if "asset" in slots:
            tags.append(slots["asset"].lower())
        if vip:
            tags.append("vip")
        if bot_start and not bot_resolved:
            tags.append("bot_handoff")
        return Ticket(
            self.base + i, created, theme.slug, lang, channel, priority, exported, requester,
            subject, body, tags, audits, path, assignee, agent, frt, solved, int(a.reopens[i]),
            bot_start, bot_resolved, status, updated, earlier,
            self._backlog_key(i, rng, created), security, recovery, rating, qa,
        )

    def _human(
        self, i: int, rng: random.Random, audits: list, path: list[str], status: str, t: int,
        channel: str, requester: int, lang: str, slug: str,
    ) -> tuple[int, str, int, int, int, tuple[int, str, int] | None]:
        a = self.a
        tier = "vip" if a.vip[i] else "l1"
        agent = int(a.agent[i])
        frt = int(a.frt[i])
        if a.bot_start[i]:
            handoff = max(int(a.bot_part[i]), t + 1)
            frt = max(frt, handoff + 5)
            audits.append((handoff, BOT_ID, "api", [
                ("Comment", BOT_ID, False, msg.BOT_HANDOFF.format(lang=lang, intent=slug)),
                ("Change", "group_id", self._gid(tier), self._gid("bot")),
                ("Change", "assignee_id", agent, BOT_ID)]))
            path.append(tier)
        else:
            assign = max(1, int(frt * rng.uniform(0.2, 0.8)))
            audits.append((assign, agent, "web", [
                ("Change", "assignee_id", agent, None), ("Change", "status", "open", status)]))
            status = "open"
        name = self.names[agent]
        audits.append((frt, agent, "web", [
            ("Comment", agent, True, rng.choice(msg.AGENT_FIRST).format(name=name)),
            ("Change", "status", "pending", status)]))
        status, t, owner = "pending", frt, agent
        for _ in range(rng.choices((0, 1, 2), (0.45, 0.4, 0.15))[0]):
            t += 30 + int(rng.lognormvariate(math.log(40 * MINUTE), 1.1))
            audits.append((t, requester, channel, [
                ("Comment", requester, True, rng.choice(msg.FOLLOW_UPS[lang])),
                ("Change", "status", "open", "pending")]))
            t += 30 + int(rng.lognormvariate(math.log(12 * MINUTE), 0.9))
            audits.append((t, agent, "web", [
                ("Comment", agent, True, rng.choice(msg.AGENT_FOLLOW)),
                ("Change", "status", "pending", "open")]))
        security = None
        esc = int(a.escalation[i])
        if esc:
            spec_tier = TIERS[esc]
            specialist = int(a.specialist[i])
            t += 60 + int(rng.lognormvariate(math.log(20 * MINUTE), 0.8))
            audits.append((t, agent, "web", [
                ("Comment", agent, False, msg.ESCALATION_NOTE[spec_tier]),
                ("Change", "group_id", self._gid(spec_tier), self._gid(tier)),
                ("Change", "assignee_id", specialist, agent),
                ("Change", "status", "open", "pending")]))
            path.append(spec_tier)
            owner = specialist
            if spec_tier == "security":
                minutes = (rng.randint(1, 14) if rng.random() < 0.85
                           else rng.randint(15, 180))
                action = rng.choices(SECURITY_ACTIONS, SECURITY_WEIGHTS)[0]
                security = (t, action, minutes)
                t += minutes * MINUTE
                audits.append((t, specialist, "web", [
                    ("Comment", specialist, False, msg.SECURITY_NOTE.format(action=action))]))
            median, sigma = SPECIALIST_DELAY[spec_tier]
            t += 60 + int(rng.lognormvariate(math.log(median), sigma))
            audits.append((t, specialist, "web", [
                ("Comment", specialist, True, rng.choice(msg.SPECIALIST_REPLY)),
                ("Change", "status", "pending", "open")]))
            t += 60 + int(rng.lognormvariate(math.log(30 * MINUTE), 0.8))
        else:
            t += 60 + int(rng.lognormvariate(math.log(2 * HOUR), 1.1))
        audits.append((t, owner, "web", [
            ("Comment", owner, True, rng.choice(msg.AGENT_SOLVE)),
            ("Change", "status", "solved", "pending")]))
        return t, "solved", owner, frt, agent, security

    def _reopens(
        self, i: int, rng: random.Random, audits: list, solved: int, requester: int,
        channel: str, lang: str, owner: int,
    ) -> int:
        for _ in range(int(self.a.reopens[i])):
            t = solved + 10 * MINUTE + int(rng.lognormvariate(math.log(8 * HOUR), 1.0))
            audits.append((t, requester, channel, [
                ("Comment", requester, True, rng.choice(msg.REOPEN[lang])),
                ("Change", "status", "open", "solved")]))
            t += 60 + int(rng.lognormvariate(math.log(20 * MINUTE), 0.8))
            audits.append((t, owner, "web", [
                ("Comment", owner, True, rng.choice(msg.AGENT_FOLLOW)),
                ("Change", "status", "pending", "open")]))
            t += 60 + int(rng.lognormvariate(math.log(3 * HOUR), 1.0))
            audits.append((t, owner, "web", [
                ("Comment", owner, True, rng.choice(msg.AGENT_SOLVE)),
                ("Change", "status", "solved", "pending")]))
            solved = t
        return solved

    def _recovery(
        self, i: int, rng: random.Random, slots: Slots, created: int
    ) -> tuple[str, float, str, str, int | None]:
        asset = slots["asset"]
        _ = slots["amount"]  # draws the amount if the template did not use it
        amount = slots.amount_value
        method = "automatic" if self.a.recovery[i] == 1 else "manual"
        status = ("recovered", "unrecoverable", "pending")[int(self.a.recovery_status[i])]
        at = None
        if status == "recovered":
            if method == "automatic":
                at = int(rng.lognormvariate(math.log(6 * HOUR), 0.7))
            else:
                at = int(rng.lognormvariate(math.log(4 * DAY), 0.6))
            if created + at > self.end_ts - 6 * HOUR:
                status, at = "pending", None
        return asset, amount, method, status, at

    def _survey(
        self, i: int, rng: random.Random, created: int, solved: int, frt: int | None, vip: bool
    ) -> tuple[int, int, int | None, str | None] | None:
        quarter = bisect.bisect_right(self.quarter_bounds, created + solved)
        if rng.random() >= COVERAGE.get(quarter, 1.0):
            return None
        # Surveys go out after the solve but never after the export ends.
        sent = min(solved + rng.randint(5 * MINUTE, HOUR), max(solved, self.end_ts - 2 - created))
        answer_p = 0.22 if self.a.bot_resolved[i] else (0.4 if vip else 0.31)
        if rng.random() >= answer_p:
            return sent, sent, None, None
        answered = max(sent, min(sent + 60 + int(rng.lognormvariate(math.log(3 * HOUR), 1.0)),
                                 self.end_ts - 1 - created))
        mood = rng.gauss(1.0, 1.0)
        mood -= 1.2 * (frt is not None and frt > 10 * MINUTE)
        mood -= 0.8 * int(self.a.reopens[i]) + 0.4 * bool(self.a.escalation[i])
        mood -= 0.3 * bool(self.a.bot_resolved[i])
        rating = 5 if mood > 0.7 else 4 if mood > 0.1 else 3 if mood > -0.3 else 2 if mood > -0.8 else 1
        comment = None
        if rng.random() < 0.35:
            comment = rng.choice(msg.CSAT_GOOD if rating >= 4 else msg.CSAT_BAD)
        return sent, answered, rating, comment

    def _qa(
        self, rng: random.Random, reviewed: int, agent: int, frt: int | None, reopens: int
    ) -> tuple[int, int, int, int, int, int, str | None]:
        penalty = 8 * (frt is not None and frt > 10 * MINUTE) + 6 * reopens
        scores = [
            max(0, min(100, int(rng.gauss(mean - penalty, 9))))
            for mean in (88, 84, 90, 82)
        ]
        reviewer = self.staff.reviewers[rng.randrange(len(self.staff.reviewers))]
        comment = rng.choice(msg.QA_COMMENTS) if rng.random() < 0.6 else None
        return reviewed, reviewer, scores[0], scores[1], scores[2], scores[3], comment

    def _backlog_key(self, i: int, rng: random.Random, created: int) -> str | None:
        windows = self.key_windows.get(int(self.a.theme[i]))
        if not windows:
            return None
        for lo, hi, key in windows:
            if lo <= created < hi:
                return key if rng.random() < self.key_rate else None
        return None


def canonical_channel(channel: str) -> str:
    """Map a Zendesk ``via.channel`` to the canonical channel."""
    return CANONICAL[channel]

