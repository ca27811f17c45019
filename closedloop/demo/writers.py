"""Serialise tickets into the export shapes of ``docs/export-formats.md`` and open the files.

Every writer is a plain function from a record to text so the output is byte-for-byte
reproducible: compact JSON with keys in a fixed order, LF line endings, UTF-8.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO, Any

from closedloop.demo.common import Clock
from closedloop.demo.people import Staff
from closedloop.demo.tickets import SECURITY_TARGET_MINUTES, Ticket, canonical_channel

AUDIT_BASE = 9_000_000_000
RATING_BASE = 7_000_000_000
ZENDESK_URL = "https://example-exchange.zendesk.com/api/v2"
FIELD_IDS = {
    "language": 360010000001, "backlog_key": 360010000002, "security_flagged_at": 360010000003,
    "security_action": 360010000004, "security_actioned_at": 360010000005,
    "recovery_asset": 360010000006, "recovery_amount": 360010000007,
    "recovery_method": 360010000008, "recovery_status": 360010000009,
    "recovered_at": 360010000010,
}
TRUTH_TICKET_COLUMNS = (
    "ticket_id", "theme", "language", "channel", "priority", "tier_path", "final_tier",
    "bot_resolved", "handed_off_to_human", "created_at", "first_response_at", "solved_at",
    "first_response_minutes", "is_first_response_breach", "reopens", "agent_id",
    "feedback_requested", "csat_rating", "qa_audited",
)
QA_COLUMNS = ("review_id", "ticket_id", "agent_id", "reviewer_id", "reviewed_at", "tone",
              "accuracy", "compliance", "resolution", "comment")
SECURITY_COLUMNS = ("ticket_id", "flagged_at", "actioned_at", "minutes_to_intervention",
                    "action", "within_target")
RECOVERY_COLUMNS = ("ticket_id", "asset", "amount", "method", "status", "created_at",
                    "recovered_at", "days_to_recover")

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_quote = json.encoder.encode_basestring  # what ``_encode`` uses for strings


def dumps(obj: Any) -> str:
    """Compact, deterministic JSON (key order as built, UTF-8 text kept)."""
    return _encode(obj)


def open_text(path: Path) -> IO[str]:
    """Open ``path`` for writing UTF-8 text with LF newlines and a large buffer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("w", encoding="utf-8", newline="\n", buffering=1 << 20)


def csv_writer(handle: IO[str], header: tuple[str, ...]) -> Any:
    """Return a csv writer on ``handle`` that has written ``header``."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(header)
    return writer


def flag(value: bool) -> str:
    """Booleans in truth CSVs."""
    return "true" if value else "false"


def _custom_fields(t: Ticket, clock: Clock, latest: bool) -> list[dict[str, Any]]:
    values: dict[str, Any] = dict.fromkeys(FIELD_IDS)
    values["language"] = t.lang
    if latest:
        values["backlog_key"] = t.backlog_key
    if t.security is not None:
        flagged, action, minutes = t.security
        values["security_flagged_at"] = clock.iso(t.created + flagged)
        values["security_action"] = action
        values["security_actioned_at"] = clock.iso(t.created + flagged + minutes * 60)
    if t.recovery is not None:
        asset, amount, method, status, at = t.recovery
        values["recovery_asset"] = asset
        values["recovery_amount"] = f"{amount:.2f}"
        values["recovery_method"] = method
        values["recovery_status"] = status
        values["recovered_at"] = clock.iso(t.created + at) if at is not None else None
    return [{"id": FIELD_IDS[name], "value": value} for name, value in values.items()]


def ticket_lines(t: Ticket, clock: Clock, staff: Staff) -> str:
    """Return the ``tickets.jsonl`` line(s) of a ticket: an earlier version first, if any."""
    created = clock.iso(t.created)
    final_group = staff.group_id(t.tier_path[-1])
    solved = clock.iso(t.created + t.solved)
    rating = None
    if t.rating is not None:
        score = "offered" if t.rating[2] is None else ("good" if t.rating[2] >= 4 else "bad")
        rating = {"id": RATING_BASE + t.id, "score": score, "comment": t.rating[3]}
    replies = sum(1 for a in t.audits for e in a[3] if e[0] == "Comment" and e[1] != t.requester
                  and e[2])
    metric_set: dict[str, Any] = {
        "ticket_id": t.id,
        "created_at": created,
        "updated_at": clock.iso(t.created + t.updated),
        "group_stations": len(t.tier_path),
        "assignee_stations": len(t.tier_path),
        "reopens": t.reopens,
        "replies": replies,
        "solved_at": solved,
        "reply_time_in_minutes": {
            "calendar": round(t.frt / 60) if t.frt is not None else None, "business": None},
        "full_resolution_time_in_minutes": {"calendar": round(t.solved / 60), "business": None},
    }
    ticket: dict[str, Any] = {
        "url": f"{ZENDESK_URL}/tickets/{t.id}.json",
        "id": t.id,
        "external_id": None,
        "via": {"channel": t.channel, "source": {"from": {}, "to": {}, "rel": None}},
        "created_at": created,
        "updated_at": clock.iso(t.created + t.updated),
        "type": "incident" if "bug" in t.tags else "question",
        "subject": t.subject,
        "description": t.body,
        "priority": t.priority_exported,
        "status": t.status,
        "requester_id": t.requester,
        "submitter_id": t.requester,
        "assignee_id": t.assignee,
        "organization_id": None,
        "group_id": final_group,
        "tags": t.tags,
        "custom_fields": _custom_fields(t, clock, True),
        "satisfaction_rating": rating,
        "metric_set": metric_set,
    }
    line = dumps(ticket) + "\n"
    if t.earlier is None:
        return line
    off, status, group, assignee = t.earlier
    early = dict(ticket)
    early.update(
        updated_at=clock.iso(t.created + off), status=status, group_id=group,
        assignee_id=assignee, satisfaction_rating=None,
        custom_fields=_custom_fields(t, clock, False),
    )
    early["metric_set"] = {**metric_set, "updated_at": clock.iso(t.created + off),
                           "solved_at": None, "reopens": 0, "replies": 0}
    return dumps(early) + "\n" + line


def _jstr(value: object) -> str:
    """JSON for an event value: a string, or null."""
    return "null" if value is None else _quote(str(value))


def audit_lines(t: Ticket, clock: Clock) -> str:
    """Return the ``ticket_audits.jsonl`` lines of a ticket (ids derive from the ticket id).

    Built with string templates rather than ``json`` for speed; the output is identical to
    ``dumps`` of the same objects.
    """
    out = []
    for k, (off, author, via, events) in enumerate(t.audits):
        audit_id = AUDIT_BASE + t.id * 64 + k
        rendered = []
        for j, event in enumerate(events):
            event_id = audit_id * 16 + j
            kind = event[0]
            if kind == "Comment":
                rendered.append(
                    f'{{"id":{event_id},"type":"Comment","author_id":{event[1]},'
                    f'"body":{_quote(str(event[3]))},"public":{"true" if event[2] else "false"}}}')
            elif kind == "Create":
                rendered.append(
                    f'{{"id":{event_id},"type":"Create","field_name":"{event[1]}",'
                    f'"value":{_jstr(event[2])}}}')
            else:
                rendered.append(
                    f'{{"id":{event_id},"type":"Change","field_name":"{event[1]}",'
                    f'"value":{_jstr(event[2])},"previous_value":{_jstr(event[3])}}}')
        out.append(
            f'{{"id":{audit_id},"ticket_id":{t.id},"created_at":"{clock.iso(t.created + off)}",'
            f'"author_id":{author},"via":{{"channel":"{via}"}},"events":[{",".join(rendered)}]}}\n')
    return "".join(out)


def rating_line(t: Ticket, clock: Clock, staff: Staff) -> str:
    """Return the ``satisfaction_ratings.jsonl`` line of a ticket whose survey was sent."""
    assert t.rating is not None
    sent, answered, rating, comment = t.rating
    score = "offered" if rating is None else ("good" if rating >= 4 else "bad")
    return dumps({
        "url": f"{ZENDESK_URL}/satisfaction_ratings/{RATING_BASE + t.id}.json",
        "id": RATING_BASE + t.id,
        "assignee_id": t.assignee,
        "group_id": staff.group_id(t.tier_path[-1]),
        "requester_id": t.requester,
        "ticket_id": t.id,
        "score": score,
        "rating": rating,
        "comment": comment,
        "created_at": clock.iso(t.created + sent),
        "updated_at": clock.iso(t.created + answered),
    }) + "\n"


def qa_row(t: Ticket, clock: Clock) -> list[Any]:
    """Return the ``qa/qa_reviews.csv`` row of a reviewed ticket."""
    assert t.qa is not None
    assert t.first_agent is not None
    reviewed, reviewer, tone, accuracy, compliance, resolution, comment = t.qa
    return [f"QA-{t.id}", t.id, t.first_agent, reviewer, clock.iso(t.created + reviewed), tone,
            accuracy, compliance, resolution, comment or ""]


def truth_row(t: Ticket, clock: Clock) -> list[Any]:
    """Return the ``truth/tickets.csv`` row of a ticket."""
    frt_minutes = t.frt / 60 if t.frt is not None else None
    answer = t.rating[2] if t.rating is not None else None
    return [
        t.id, t.theme, t.lang, canonical_channel(t.channel), t.priority, ">".join(t.tier_path),
        t.tier_path[-1], flag(t.bot_resolved), flag(t.bot_start and not t.bot_resolved),
        clock.iso(t.created),
        clock.iso(t.created + t.frt) if t.frt is not None else "",
        clock.iso(t.created + t.solved),
        repr(frt_minutes) if frt_minutes is not None else "",
        flag(frt_minutes is not None and frt_minutes > 10),
        t.reopens, t.assignee, flag(t.rating is not None),
        answer if answer is not None else "", flag(t.qa is not None),
    ]


def security_row(t: Ticket, clock: Clock) -> list[Any]:
    """Return the ``truth/security_interventions.csv`` row of a security case."""
    assert t.security is not None
    flagged, action, minutes = t.security
    return [t.id, clock.iso(t.created + flagged), clock.iso(t.created + flagged + minutes * 60),
            minutes, action, flag(minutes < SECURITY_TARGET_MINUTES)]


def recovery_row(t: Ticket, clock: Clock) -> list[Any]:
    """Return the ``truth/deposit_recoveries.csv`` row of a misdirected deposit."""
    assert t.recovery is not None
    asset, amount, method, status, at = t.recovery
    return [t.id, asset, f"{amount:.2f}", method, status, clock.iso(t.created),
            clock.iso(t.created + at) if at is not None else "",
            repr(at / 86_400) if at is not None else ""]

