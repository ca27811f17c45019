"""Generate the demo exports of a crypto exchange's support operation.

``generate`` is the public entry point; the CLI command ``closedloop demo-data`` calls it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from closedloop.demo import truth
from closedloop.demo.attributes import Attributes, plan_attributes
from closedloop.demo.backlog import issue_record, key_rate, plan_backlog
from closedloop.demo.common import Clock, Period, py_stream
from closedloop.demo.helpdesk_config import write_helpdesk_config
from closedloop.demo.people import GROUP_IDS, GROUP_NAMES, Staff, build_staff, user_record
from closedloop.demo.tickets import TicketBuilder
from closedloop.demo.timeline import arrivals, build_timeline
from closedloop.demo.truth_readme import README
from closedloop.demo.writers import (
    QA_COLUMNS,
    RECOVERY_COLUMNS,
    SECURITY_COLUMNS,
    TRUTH_TICKET_COLUMNS,
    audit_lines,
    csv_writer,
    dumps,
    open_text,
    qa_row,
    rating_line,
    recovery_row,
    security_row,
    ticket_lines,
    truth_row,
)

TICKET_BASE = 40_001
CHUNK = 10_000
JIRA_PAGE = 100
SPECIALISTS = ("engineering", "legal", "security")


@dataclass(frozen=True)
class DemoSummary:
    """What ``generate`` wrote.

    Attributes:
        out: Output directory.
        tickets: Resolved tickets (distinct ids in ``tickets.jsonl``).
        ticket_lines: Lines in ``tickets.jsonl`` (some tickets appear in two versions).
        audits: Lines in ``ticket_audits.jsonl``.
        events: Events inside those audits.
        satisfaction_ratings: Surveys sent (lines in ``satisfaction_ratings.jsonl``).
        qa_reviews: Rows in ``qa/qa_reviews.csv``.
        users: Help-desk users (agents, QA reviewers, the bot).
        groups: Help-desk groups (tiers).
        backlog_items: Jira issues, epics included.
        jira_pages: Files ``jira/issues-NNNN.json``.
        files: Every file written, relative to ``out``, sorted.
    """

    out: Path
    tickets: int
    ticket_lines: int
    audits: int
    events: int
    satisfaction_ratings: int
    qa_reviews: int
    users: int
    groups: int
    backlog_items: int
    jira_pages: int
    files: tuple[Path, ...]

    def __str__(self) -> str:
        """One line for logs."""
        return (f"{self.tickets} tickets ({self.audits} audits, {self.satisfaction_ratings} surveys, "
                f"{self.qa_reviews} QA reviews), {self.backlog_items} Jira issues, "
                f"{len(self.files)} files in {self.out}")


class _Stages:
    """Times stages and reports them through the optional progress callback."""

    def __init__(self, progress: Callable[[str], None] | None) -> None:
        self.progress = progress
        self.started = time.perf_counter()

    def note(self, message: str) -> None:
        """Report progress inside a stage (seconds since the stage started)."""
        if self.progress is not None:
            self.progress(f"{message} ({time.perf_counter() - self.started:.1f} s)")

    def done(self, message: str) -> None:
        """Report a finished stage and start timing the next one."""
        self.note(message)
        self.started = time.perf_counter()


def generate(
    out: Path,
    tickets: int = 20_000,
    seed: int = 42,
    start: date = date(2024, 1, 1),
    quarters: int = 8,
    progress: Callable[[str], None] | None = None,
    relabel_references: float = 0.0,
) -> DemoSummary:
    """Write the demo exports (Zendesk, QA, Jira) and the planted truth to ``out``.

    The same arguments always produce byte-identical files.

    Args:
        out: Output directory (created; files of an earlier run are overwritten).
        tickets: Number of resolved tickets.
        seed: Seed of every random draw.
        start: First day of the period (UTC).
        quarters: Length of the period in quarters.
        progress: Called with one line per stage (counts and seconds).
        relabel_references: Share of support-driven items whose explicit references point to
            another theme's tickets (a noisier tracker; the truth is unchanged). 0 by default.

    Returns:
        Counts and paths of what was written.

    Raises:
        ValueError: If ``tickets`` or ``quarters`` is not positive.
    """
    if tickets < 1:
        raise ValueError(f"tickets must be positive, got {tickets}")
    if quarters < 1:
        raise ValueError(f"quarters must be positive, got {quarters}")
    if not 0 <= relabel_references <= 1:
        raise ValueError(f"relabel_references must be between 0 and 1, got {relabel_references}")
    out = Path(out)
    stages = _Stages(progress)
    period = Period.of(start, quarters)
    clock = Clock()
    zendesk, truth_dir, jira = out / "zendesk", out / "truth", out / "jira"
    for folder in (zendesk, truth_dir, jira, out / "qa"):
        folder.mkdir(parents=True, exist_ok=True)
    for stale in jira.glob("issues-*.json"):
        stale.unlink()

    staff = build_staff(seed, period.start_ts)
    with open_text(zendesk / "users.jsonl") as handle:
        for agent in staff.agents:
            handle.write(dumps(user_record(agent, clock.iso(agent.created_at))) + "\n")
    with open_text(zendesk / "groups.jsonl") as handle:
        for gid, name in zip(GROUP_IDS, GROUP_NAMES, strict=True):
            record = {"id": gid, "name": name, "created_at": clock.iso(period.start_ts - 400 * 86_400)}
            handle.write(dumps(record) + "\n")
    write_helpdesk_config(zendesk, clock.iso(period.start_ts - 400 * 86_400), clock.iso(period.start_ts - 399 * 86_400))
    stages.done(f"people: {len(staff.agents)} users, {len(GROUP_IDS)} groups, schedules and SLA policies")

    timeline = build_timeline(seed, period, quarters)
    created, theme = arrivals(seed, timeline, tickets)
    attrs = plan_attributes(seed, created, theme, timeline, staff)
    stages.done(f"timeline: {period.days} days, {len(timeline.incidents)} incidents, "
                f"{len(timeline.cycles)} fix cycles, {tickets} arrivals")

    backlog = plan_backlog(seed, timeline, created, theme, TICKET_BASE, quarters, relabel_references)
    rate = key_rate(backlog, created, theme)
    stages.done(f"backlog: {len(backlog.items)} items planned")

    counts, outcomes, labels = _write_tickets(
        out, period, clock, staff, attrs, backlog.key_windows, rate, seed, tickets, stages)

    epic_keys = [item.key for item in backlog.items if item.item_type == "Epic"]
    pages = 0
    for first in range(0, len(backlog.items), JIRA_PAGE):
        page = {"startAt": first, "maxResults": JIRA_PAGE, "total": len(backlog.items),
                "issues": [issue_record(i, clock, epic_keys)
                           for i in backlog.items[first : first + JIRA_PAGE]]}
        with open_text(jira / f"issues-{pages:04d}.json") as handle:
            handle.write(dumps(page) + "\n")
        pages += 1
    stages.done(f"jira: {len(backlog.items)} issues in {pages} pages")

    truth.write_operations(truth_dir / "operations_quarterly.csv", labels, outcomes)
    truth.write_backlog_truth(truth_dir, backlog, period, clock.iso)
    truth.write_themes(truth_dir / "themes.csv", timeline, backlog)
    (truth_dir / "README.md").write_text(README, encoding="utf-8", newline="\n")
    stages.done("truth: aggregates and README")

    files = tuple(sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file()))
    return DemoSummary(out, tickets, counts["ticket_lines"], counts["audits"], counts["events"],
                       counts["ratings"], counts["qa"], len(staff.agents), len(GROUP_IDS),
                       len(backlog.items), pages, files)


def _write_tickets(
    out: Path, period: Period, clock: Clock, staff: Staff, attrs: Attributes,
    key_windows: dict[int, tuple[tuple[int, int, str], ...]], rate: float, seed: int,
    tickets: int, stages: _Stages,
) -> tuple[dict[str, int], truth.Outcomes, list[str]]:
    builder = TicketBuilder(attrs, staff, period, TICKET_BASE, key_windows, rate)
    labels = period.quarters()
    quarter_of = {label: q for q, label in enumerate(labels)}
    quarter = np.zeros(tickets, dtype=np.int16)
    frt = np.full(tickets, np.nan)
    sent = np.zeros(tickets, dtype=bool)
    rating = np.zeros(tickets, dtype=np.int8)
    escalated = np.zeros(tickets, dtype=bool)
    counts = {"ticket_lines": 0, "audits": 0, "events": 0, "ratings": 0, "qa": 0}
    zd, truth_dir = out / "zendesk", out / "truth"
    with (
        open_text(zd / "tickets.jsonl") as f_tickets,
        open_text(zd / "ticket_audits.jsonl") as f_audits,
        open_text(zd / "satisfaction_ratings.jsonl") as f_ratings,
        open_text(out / "qa" / "qa_reviews.csv") as f_qa,
        open_text(truth_dir / "tickets.csv") as f_truth,
        open_text(truth_dir / "security_interventions.csv") as f_sec,
        open_text(truth_dir / "deposit_recoveries.csv") as f_rec,
    ):
        qa_w = csv_writer(f_qa, QA_COLUMNS)
        truth_w = csv_writer(f_truth, TRUTH_TICKET_COLUMNS)
        sec_w = csv_writer(f_sec, SECURITY_COLUMNS)
        rec_w = csv_writer(f_rec, RECOVERY_COLUMNS)
        for chunk, first in enumerate(range(0, tickets, CHUNK)):
            rng = py_stream(seed, "tickets", chunk)
            for i in range(first, min(first + CHUNK, tickets)):
                t = builder.build(i, rng)
                lines = ticket_lines(t, clock, staff)
                f_tickets.write(lines)
                counts["ticket_lines"] += lines.count("\n")
                f_audits.write(audit_lines(t, clock))
                counts["audits"] += len(t.audits)
                counts["events"] += sum(len(a[3]) for a in t.audits)
                if t.rating is not None:
                    f_ratings.write(rating_line(t, clock, staff))
                    counts["ratings"] += 1
                    sent[i] = True
                    rating[i] = t.rating[2] or 0
                if t.qa is not None:
                    qa_w.writerow(qa_row(t, clock))
                    counts["qa"] += 1
                if t.security is not None:
                    sec_w.writerow(security_row(t, clock))
                if t.recovery is not None:
                    rec_w.writerow(recovery_row(t, clock))
                truth_w.writerow(truth_row(t, clock))
                quarter[i] = quarter_of[_quarter(clock.iso(t.created + t.solved))]
                if t.frt is not None:
                    frt[i] = t.frt / 60
                escalated[i] = any(tier in SPECIALISTS for tier in t.tier_path)
            if tickets >= 100_000 and (chunk + 1) % 10 == 0:
                stages.note(f"tickets: {min(first + CHUNK, tickets)}/{tickets} written")
    stages.done(f"tickets: {tickets} tickets, {counts['audits']} audits, "
                f"{counts['ratings']} surveys, {counts['qa']} QA reviews")
    outcomes = truth.Outcomes(quarter, frt, attrs.bot_resolved.copy(), sent, rating, escalated)
    return counts, outcomes, labels


def _quarter(iso: str) -> str:
    return f"{iso[:4]}Q{(int(iso[5:7]) - 1) // 3 + 1}"
