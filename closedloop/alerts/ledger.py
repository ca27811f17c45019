"""The record of what was sent: one JSON line per event and channel, so nothing is announced twice.

The file (``$CLOSEDLOOP_HOME/alerts/sent.jsonl``) lives outside the warehouse on purpose: a failed
run, which may hold no warehouse, is recorded too, and rebuilding the warehouse does not announce
old spikes again. Lines are appended; :meth:`Ledger.forget` rewrites the file through a temporary
file and one rename, so a reader sees the old or the new record, never half of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from closedloop.alerts.events import Event


class Ledger:
    """What went to which channel, by event fingerprint."""

    def __init__(self, path: Path) -> None:
        """Use the record at ``path`` (created on the first send)."""
        self.path = path

    def _lines(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        entries = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a line cut short by a crash: that event is simply announced again
        return entries

    def sent(self) -> set[tuple[str, str]]:
        """``(channel, fingerprint)`` of everything sent."""
        return {(e["channel"], e["fingerprint"]) for e in self._lines() if "channel" in e and "fingerprint" in e}

    def record(self, channel: str, events: Iterable[Event]) -> None:
        """Append that ``events`` went to ``channel`` now."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.path.open("a", encoding="utf-8") as handle:
            for event in events:
                handle.write(json.dumps({"channel": channel, "fingerprint": event.fingerprint, "kind": event.kind,
                                         "title": event.title, "sent_at": now}, ensure_ascii=False) + "\n")

    def forget(self, kinds: Iterable[str], keep: set[str]) -> int:
        """Drop the records of ``kinds`` whose fingerprint is not in ``keep``; return how many were dropped.

        A failure that is over (the run succeeded) is forgotten, so its next occurrence is news again.
        """
        kinds = set(kinds)
        entries = self._lines()
        kept = [e for e in entries if e.get("kind") not in kinds or e.get("fingerprint") in keep]
        if len(kept) == len(entries):
            return 0
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in kept), encoding="utf-8")
        temporary.replace(self.path)
        return len(entries) - len(kept)
