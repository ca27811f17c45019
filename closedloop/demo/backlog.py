"""Jira backlog of project ``EX``: epics, support-driven fixes and unrelated roadmap work.

Support-driven items come from the timeline's fix cycles (a theme's volume builds up, an item is
created, it ships, the volume drops). Roadmap items are sized so that about 40% of each year's
shipped improvements (shipped stories and bugs) are support-driven.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from closedloop.demo import backlog_text as bt
from closedloop.demo.common import DAY, HOUR, Clock, np_stream, to_date, to_ts
from closedloop.demo.themes import THEMES
from closedloop.demo.timeline import Timeline

LINK_STYLES = (
    "ticket_ids_in_description", "helpdesk_link_field", "backlog_key_on_tickets",
    "engineering_words_only",
)
LINK_WEIGHTS = (0.3, 0.25, 0.2, 0.25)
STATUS_CATEGORY = {"To Do": "new", "In Progress": "indeterminate", "Done": "done"}
HELPDESK_URL = "https://help.example.com/agent/tickets/{}"
ROADMAP_RATIO = 1.5
"""Roadmap improvements shipped per support-driven improvement (40% support-driven share)."""
UNLABELLED_ROADMAP = 0.2
"""Share of roadmap stories and bugs that nobody labelled ``roadmap`` or ``okr``."""
ROADMAP_FIXES = 0.1
"""Share of support-driven fixes that were scheduled as roadmap work (labelled ``roadmap``)."""
WORDINGS = 3
"""Wordings of each engineering fault (``ENGINEERING_WORDS`` plus ``ENGINEERING_REPHRASED``)."""


@dataclass
class Item:
    """One backlog item before rendering; ``num`` is the number in its key ``EX-num``."""

    item_type: str
    status: str
    created: int
    shipped: int | None
    summary: str
    description: str
    priority: str
    labels: list[str]
    components: list[str]
    epic: int | None
    theme: int | None = None
    link_style: str = "none"
    helpdesk_links: str | None = None
    num: int = 0
    updated: int = 0
    cited: list[int] = field(default_factory=list)
    fault: int | None = None
    chain: str = ""
    reference_theme: int | None = None
    """The theme of the tickets the item's explicit references point to, when relabelled (else ``theme``)."""

    @property
    def key(self) -> str:
        """Jira key, e.g. ``EX-42``."""
        return f"EX-{self.num}"

    @property
    def is_improvement(self) -> bool:
        """A shipped story or bug."""
        return self.item_type in ("Story", "Bug") and self.shipped is not None


@dataclass(frozen=True)
class Backlog:
    """All items in key order plus the windows in which tickets link to items."""

    items: tuple[Item, ...]
    key_windows: dict[int, tuple[tuple[int, int, str], ...]]


def _at(rng: np.random.Generator, day_ts: int) -> int:
    """Return a working-hours time on the day starting at ``day_ts``."""
    return day_ts + int(rng.integers(7 * HOUR, 18 * HOUR))


def _support_items(
    rng: np.random.Generator, timeline: Timeline, created_ts: np.ndarray, theme: np.ndarray,
    ticket_base: int,
) -> list[Item]:
    start, end = timeline.period.start_ts, timeline.period.end_ts
    by_theme = {k: np.flatnonzero(theme == k) for k in range(len(THEMES))}
    items: list[Item] = []
    for cycle in timeline.cycles:
        th = THEMES[cycle.theme]
        for n in range(cycle.items):
            created = _at(rng, start + (cycle.created_day + n * int(rng.integers(0, 10))) * DAY)
            ship_day = cycle.shipped_day - (int(rng.integers(0, 7)) if n else 0)
            shipped = _at(rng, start + ship_day * DAY)
            shipped = max(shipped, created + 3 * DAY)
            style = str(rng.choice(LINK_STYLES, p=LINK_WEIGHTS))
            words = bt.ENGINEERING_WORDS[th.slug]
            if style != "engineering_words_only" and rng.random() < 0.5:
                words = bt.USER_WORDS[th.slug]
            fault = int(rng.integers(len(words)))
            summary, description = words[fault]
            chain = str(rng.choice(bt.CHAINS))
            summary, description = summary.format(chain=chain), description.format(chain=chain)
            item_type = "Bug" if (n == 0) == (rng.random() < 0.6) else "Story"
            item = Item(
                item_type, "Done" if shipped < end else "In Progress", created,
                shipped if shipped < end else None, summary, description,
                str(rng.choice(["Highest", "High", "Medium"], p=[0.15, 0.5, 0.35])),
                ["customer-reported"] if rng.random() < 0.3 else [], [th.component], th.epic,
                cycle.theme, style, fault=fault if words is bt.ENGINEERING_WORDS[th.slug] else None,
                chain=chain,
            )
            if style in ("ticket_ids_in_description", "helpdesk_link_field"):
                idx = by_theme[cycle.theme]
                lo, hi = np.searchsorted(created_ts[idx], [created - 28 * DAY, created])
                pool = idx[lo:hi]
                if len(pool) == 0:
                    item.link_style = "engineering_words_only"
                else:
                    k = min(len(pool), int(rng.integers(2, 6)))
                    item.cited = sorted(int(i) + ticket_base for i in rng.choice(pool, k, False))
            items.append(item)
    return items


def _roadmap_text(rng: np.random.Generator, pool: tuple[str, ...]) -> str:
    return str(rng.choice(pool)).format(
        coin=rng.choice(bt.COINS), country=rng.choice(bt.COUNTRIES),
        language=rng.choice(bt.LANGUAGE_NAMES), n=int(rng.integers(50, 500)),
        dep=rng.choice(bt.DEPS),
    )


def _roadmap_items(
    rng: np.random.Generator, timeline: Timeline, support: list[Item], quarters: int
) -> list[Item]:
    start, end = timeline.period.start_ts, timeline.period.end_ts
    items: list[Item] = []
    first, last = timeline.period.start.year, to_date(end - 1).year
    for year in range(first, last + 1):
        lo = max(start + 7 * DAY, to_ts(to_date(start).replace(year=year, month=1, day=1)))
        hi = min(end - DAY, to_ts(to_date(start).replace(year=year + 1, month=1, day=1)))
        if hi <= lo:
            continue
        shipped_support = sum(1 for i in support if i.shipped and to_date(i.shipped).year == year)
        if shipped_support:
            count = round(shipped_support * ROADMAP_RATIO * rng.uniform(0.85, 1.2))
        else:
            count = round(8 * (hi - lo) / (365 * DAY))
        for _ in range(count):
            shipped = _at(rng, lo + int(rng.integers(0, (hi - lo) // DAY)) * DAY)
            created = shipped - int(rng.integers(14, 90)) * DAY
            is_bug = rng.random() < 0.25
            items.append(_plain(rng, "Bug" if is_bug else "Story", created, shipped))
    target = 110 + 24 * quarters
    for _ in range(max(0, target - len(support) - len(items))):
        created = _at(rng, start + int(rng.integers(-60, timeline.period.days - 2)) * DAY)
        if rng.random() < 0.45:
            shipped = created + int(rng.integers(3, 40)) * DAY
            done = shipped < end and rng.random() < 0.75
            items.append(_plain(rng, "Task", created, shipped if done else None))
        else:
            items.append(_plain(rng, "Bug" if rng.random() < 0.3 else "Story", created, None))
    return items


def _plain(rng: np.random.Generator, item_type: str, created: int, shipped: int | None) -> Item:
    pool = {"Story": bt.ROADMAP_STORIES, "Bug": bt.ROADMAP_BUGS, "Task": bt.TASKS}[item_type]
    epic = int(rng.choice([2, 3, 6, 7, 7, 7])) if item_type != "Task" else None
    labels = ["tech-debt"] if item_type == "Task" else [str(rng.choice(["roadmap", "okr"]))]
    components = [bt.EPICS[epic][1]] if epic is not None else ["Platform"]
    status = "Done" if shipped is not None else "To Do"
    return Item(item_type, status, created, shipped, _roadmap_text(rng, pool),
                str(rng.choice(bt.GOALS)), str(rng.choice(["High", "Medium", "Medium", "Low"])),
                labels, components, epic)


def plan_backlog(
    seed: int, timeline: Timeline, created_ts: np.ndarray, theme: np.ndarray, ticket_base: int,
    quarters: int, relabel_references: float = 0.0,
) -> Backlog:
    """Plan every backlog item, number them by creation time and find ticket links.

    Args:
        seed: User seed.
        timeline: Volume plan with fix cycles.
        created_ts: Ticket creation times (sorted), index ``i`` is ticket ``ticket_base + i``.
        theme: Ticket theme indices, aligned with ``created_ts``.
        ticket_base: Id of the first ticket.
        quarters: Length of the period in quarters (the backlog grows with it).
        relabel_references: Share of support-driven items whose explicit references (cited
            tickets, or tickets carrying the item's key) point to another theme's tickets.
    """
    rng = np_stream(seed, "backlog")
    start, end = timeline.period.start_ts, timeline.period.end_ts
    support = _support_items(rng, timeline, created_ts, theme, ticket_base)
    _reword(np_stream(seed, "backlog-wording"), support)
    if relabel_references > 0:
        _relabel_references(np_stream(seed, "backlog-references"), support, created_ts, theme, ticket_base,
                            relabel_references)
    items = support + _roadmap_items(rng, timeline, support, quarters)
    epics = [
        Item("Epic", "In Progress", _at(rng, start - int(rng.integers(70, 120)) * DAY), None, name,
             f"Epic: {name}.", "High", [], [component], None)
        for name, component in bt.EPICS
    ]
    items.sort(key=lambda i: (i.created, i.summary))
    for num, item in enumerate(epics + items, start=1):
        item.num = num
    for item in items:
        recent = item.created > end - 120 * DAY
        if item.status == "To Do" and rng.random() < (0.6 if recent else 0.15):
            item.status = "In Progress"
        if item.shipped is not None:
            item.updated = min(item.shipped + int(rng.integers(0, 3 * DAY)), end - 1)
        else:
            item.updated = item.created + int(rng.integers(0, max(end - item.created, 2)))
        item.description = _describe(rng, item)
    for epic in epics:
        epic.updated = end - int(rng.integers(DAY, 30 * DAY))
    _relabel(np_stream(seed, "backlog-labels"), items)
    windows: dict[int, list[tuple[int, int, str]]] = {}
    for item in items:
        if item.link_style == "backlog_key_on_tickets" and item.theme is not None:
            until = item.shipped if item.shipped is not None else end
            key_theme = item.theme if item.reference_theme is None else item.reference_theme
            windows.setdefault(key_theme, []).append((item.created, until, item.key))
    return Backlog(tuple(epics + items), {k: tuple(v) for k, v in windows.items()})


def _reword(rng: np.random.Generator, items: list[Item]) -> None:
    """File each engineering fault in one of its wordings, as different engineers would.

    A fault that comes back is rarely filed with the same title; a separate random stream keeps
    every other planted value the same as without this step.
    """
    for item in items:
        wording = int(rng.integers(WORDINGS))
        if item.fault is None or item.theme is None or wording == 0:
            continue
        summary, description = bt.ENGINEERING_REPHRASED[THEMES[item.theme].slug][item.fault][wording - 1]
        item.summary, item.description = summary.format(chain=item.chain), description.format(chain=item.chain)


def _relabel_references(
    rng: np.random.Generator, items: list[Item], created_ts: np.ndarray, theme: np.ndarray, ticket_base: int,
    rate: float,
) -> None:
    """Point the explicit references of a ``rate`` share of items to another theme's tickets.

    A noisier tracker than the demo's: an agent puts the key on the wrong tickets, an engineer
    cites tickets of a neighbouring problem. The item's driving theme (the truth) is unchanged;
    the other theme is drawn among the themes with tickets in the item's 28 days before creation.
    A separate random stream keeps every other planted value the same as without this step.
    """
    for item in items:
        draw, pick = float(rng.random()), float(rng.random())
        if item.theme is None or item.link_style not in LINK_STYLES[:3] or draw >= rate:
            continue
        window = (created_ts >= item.created - 28 * DAY) & (created_ts < item.created)
        others = sorted({int(t) for t in np.unique(theme[window])} - {item.theme})
        if not others:
            continue
        other = others[int(pick * len(others))]
        item.reference_theme = other
        if item.cited:
            pool = np.flatnonzero(window & (theme == other))
            k = min(len(pool), len(item.cited))
            item.cited = sorted(int(i) + ticket_base for i in rng.choice(pool, k, False))


def _relabel(rng: np.random.Generator, items: list[Item]) -> None:
    """Make planning labels imperfect, as in a real tracker.

    Roadmap stories and bugs are labelled ``roadmap`` or ``okr`` when planned; some are not
    labelled at all, and some support-driven fixes are scheduled as roadmap work and get the
    label. A separate random stream keeps every other planted value the same as without this step.
    """
    for item in items:
        draw = float(rng.random())
        if item.item_type not in ("Story", "Bug"):
            continue
        if item.theme is None and draw < UNLABELLED_ROADMAP:
            item.labels = [label for label in item.labels if label not in ("roadmap", "okr")]
        elif item.theme is not None and draw < ROADMAP_FIXES:
            item.labels = [*item.labels, "roadmap"]


def _describe(rng: np.random.Generator, item: Item) -> str:
    text = item.description
    if item.link_style == "ticket_ids_in_description":
        ids = ", ".join(f"#{i}" for i in item.cited)
        intro = str(rng.choice(["Reported in tickets", "Support tickets:", "Seen in Zendesk"]))
        text += f"\n\n{intro} {ids}."
    elif item.link_style == "helpdesk_link_field":
        item.helpdesk_links = ",".join(HELPDESK_URL.format(i) for i in item.cited)
        if rng.random() < 0.5:
            text += "\n\nSee the linked help-desk tickets."
    elif item.link_style == "backlog_key_on_tickets" and rng.random() < 0.5:
        text += "\n\nSupport links affected tickets to this issue."
    if rng.random() < 0.15:
        text += f"\n\nOwner: {rng.choice(bt.ENGINEERS)}@example-exchange.com"
    return text


def key_rate(backlog: Backlog, created_ts: np.ndarray, theme: np.ndarray) -> float:
    """Return the probability that a ticket inside a linking window gets the key.

    Chosen so ~3% of tickets in fixable themes carry a key overall (capped at 50%).
    """
    fixable = np.isin(theme, [k for k, t in enumerate(THEMES) if t.fixable])
    inside = np.zeros(len(theme), dtype=bool)
    for k, windows in backlog.key_windows.items():
        for lo, hi, _key in windows:
            inside |= (theme == k) & (created_ts >= lo) & (created_ts < hi)
    if not inside.any():
        return 0.0
    return float(min(0.5, 0.03 * fixable.sum() / inside.sum()))


def issue_record(item: Item, clock: Clock, epic_keys: list[str]) -> dict[str, object]:
    """Return the Jira REST ``issue`` object of one item."""
    issue_id = str(10_000 + item.num)
    done = item.shipped is not None
    return {
        "id": issue_id,
        "self": f"https://jira.example.com/rest/api/2/issue/{issue_id}",
        "key": item.key,
        "fields": {
            "summary": item.summary,
            "description": item.description,
            "issuetype": {"name": item.item_type, "subtask": False},
            "status": {"name": item.status,
                       "statusCategory": {"key": STATUS_CATEGORY[item.status]}},
            "resolution": {"name": "Done"} if done else None,
            "priority": {"name": item.priority},
            "created": clock.jira(item.created),
            "updated": clock.jira(item.updated),
            "resolutiondate": clock.jira(item.shipped) if item.shipped is not None else None,
            "labels": item.labels,
            "components": [{"name": c} for c in item.components],
            "parent": {"key": epic_keys[item.epic]} if item.epic is not None else None,
            "customfield_10050": item.helpdesk_links,
        },
    }
