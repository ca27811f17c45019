"""What an alert is about: one :class:`Event` per spike, new theme, failed check, quarantine or failed step."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Fact = str | int | float | bool | None

THEME_SPIKE = "theme_spike"
EMERGING_THEME = "emerging_theme"
CHECK_FAILED = "check_failed"
QUARANTINE = "quarantine"
RUN_FAILED = "run_failed"
FAILURE_KINDS = (CHECK_FAILED, RUN_FAILED)
"""Kinds that stop being news once a run succeeds: a later recurrence is announced again."""


@dataclass(frozen=True)
class Event:
    """One thing to tell people about.

    Attributes:
        kind: One of the kind constants of this module.
        fingerprint: Stable identity (kind, theme, week...): an event with a fingerprint already
            sent to a channel is not sent to it again.
        title: One line naming it (theme name, week, check or step).
        lines: Further facts in words (size, growth, counts).
        examples: Up to three redacted example texts.
        facts: The same facts as named values, for the JSON webhook.
    """

    kind: str
    fingerprint: str
    title: str
    lines: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    facts: dict[str, Fact] = field(default_factory=dict, compare=False)


def digest(*parts: object) -> str:
    """A short stable hash of ``parts`` (for fingerprints of things without a natural key)."""
    text = "\x1f".join(str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def check_failed(check: str) -> Event:
    """An event for a failed asset check, given as ``asset check_name: description``."""
    name, _, description = check.partition(": ")
    return Event(CHECK_FAILED, f"{CHECK_FAILED}:{name}:{digest(description)}", f"Check failed: {name}",
                 lines=(description,) if description else (), facts={"check": name, "description": description})


def run_failed(step: str | Sequence[str], message: str) -> Event:
    """An event for pipeline steps that failed with one error, naming the steps and the error's first line."""
    steps = [step] if isinstance(step, str) else sorted(step)
    first = message.strip().splitlines()[0] if message.strip() else "step failed"
    title = f"Run failed at step {steps[0]}" if len(steps) == 1 else f"Run failed at steps {', '.join(steps)}"
    return Event(RUN_FAILED, f"{RUN_FAILED}:{','.join(steps)}:{digest(first)}", title,
                 lines=(first,), facts={"step": ", ".join(steps), "error": first})


def run_failures(failed_steps: Iterable[tuple[str, str]]) -> list[Event]:
    """One event per distinct error: steps that failed for one reason (a bad sources file) are told together."""
    by_error: dict[str, list[str]] = {}
    for step, message in failed_steps:
        first = message.strip().splitlines()[0] if message.strip() else "step failed"
        by_error.setdefault(first, []).append(step)
    return [run_failed(steps, error) for error, steps in by_error.items()]
