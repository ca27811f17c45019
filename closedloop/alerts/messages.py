"""Render events for each channel: Slack blocks, a JSON webhook body, a plain-text e-mail.

Slack's incoming-webhook payload is ``{"text": ..., "blocks": [...]}`` (``text`` is the
notification fallback; Block Kit reference https://api.slack.com/reference/block-kit/blocks): a
header block (plain text, at most 150 characters), one section per event (mrkdwn, at most 3,000
characters) and at most 50 blocks per message. Slack reads ``&``, ``<`` and ``>`` as markup, so
they are escaped: the redaction placeholders (``<EMAIL>``) show as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from closedloop.alerts.events import Event

SLACK_MAX_EVENTS = 45
"""Sections per Slack message (Slack allows 50 blocks; the header and the closing context take the rest)."""
SLACK_SECTION_CHARS = 3000
SLACK_HEADER_CHARS = 150


@dataclass(frozen=True)
class Message:
    """One message: a digest of a run's events, or a single event.

    Attributes:
        title: Subject line / header.
        events: What it tells.
        context: Where it comes from (the warehouse, the run), shown at the end.
    """

    title: str
    events: tuple[Event, ...]
    context: str = ""


def compose(events: list[Event], mode: str, context: str = "") -> list[Message]:
    """Group events into messages: one digest (``mode="digest"``) or one message per event (``"event"``)."""
    if not events:
        return []
    if mode == "event":
        return [Message(f"closedloop: {e.title}", (e,), context) for e in events]
    if len(events) == 1:
        return [Message(f"closedloop: {events[0].title}", tuple(events), context)]
    return [Message(f"closedloop: {len(events)} alerts ({_kinds(events)})", tuple(events), context)]


KIND_WORDS = {"theme_spike": ("spike", "spikes"), "emerging_theme": ("emerging theme", "emerging themes"),
              "check_failed": ("failed check", "failed checks"), "quarantine": ("quarantine", "quarantines"),
              "run_failed": ("failed step", "failed steps")}


def _kinds(events: list[Event]) -> str:
    counts: dict[str, int] = {}
    for event in events:
        counts[event.kind] = counts.get(event.kind, 0) + 1
    words = [f"{n} {KIND_WORDS.get(kind, (kind, kind))[n > 1]}" for kind, n in counts.items()]
    return ", ".join(words)


def plain_text(message: Message) -> str:
    """The message as plain text (the e-mail body and the webhook's ``text``)."""
    parts = []
    for event in message.events:
        block = [event.title, *(f"  - {line}" for line in event.lines)]
        if event.examples:
            block.append("  Examples (redacted):")
            block.extend(f'    "{text}"' for text in event.examples)
        parts.append("\n".join(block))
    if message.context:
        parts.append(message.context)
    return "\n\n".join(parts) + "\n"


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_section(event: Event) -> dict[str, Any]:
    lines = [f"*{_slack_escape(event.title)}*", *(f"• {_slack_escape(line)}" for line in event.lines)]
    lines.extend(f"> _{_slack_escape(text)}_" for text in event.examples)
    text = "\n".join(lines)
    if len(text) > SLACK_SECTION_CHARS:
        text = text[: SLACK_SECTION_CHARS - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def slack_payload(message: Message) -> dict[str, Any]:
    """Slack incoming-webhook JSON for the message (``text`` fallback plus Block Kit ``blocks``)."""
    title = message.title if len(message.title) <= SLACK_HEADER_CHARS else message.title[:149] + "…"
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": title}}]
    shown = message.events[:SLACK_MAX_EVENTS]
    for event in shown:
        blocks.append(_slack_section(event))
    footer = [message.context] if message.context else []
    if len(message.events) > len(shown):
        footer.insert(0, f"and {len(message.events) - len(shown)} more (see the e-mail or the webhook)")
    if footer:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _slack_escape(" · ".join(footer))}]})
    fallback = message.title
    if len(message.events) > 1:
        fallback += ": " + "; ".join(e.title for e in message.events)
    return {"text": fallback[:3000], "blocks": blocks}


def webhook_payload(message: Message) -> dict[str, Any]:
    """JSON body of the generic webhook: title, text, and each event with its facts."""
    return {
        "source": "closedloop",
        "title": message.title,
        "text": plain_text(message),
        "context": message.context,
        "events": [{"kind": e.kind, "fingerprint": e.fingerprint, "title": e.title, "lines": list(e.lines),
                    "examples": list(e.examples), "facts": e.facts} for e in message.events],
    }


def email(message: Message, sender: str, recipients: tuple[str, ...]) -> EmailMessage:
    """A plain-text e-mail of the message (UTF-8)."""
    mail = EmailMessage()
    mail["Subject"] = message.title
    mail["From"] = sender
    mail["To"] = ", ".join(recipients)
    mail.set_content(plain_text(message))
    return mail
