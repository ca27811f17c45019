"""Send what is new to every configured channel, once: the one entry point of the alerts room."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from closedloop.alerts.channels import AlertDeliveryError, Channel, configured_channels
from closedloop.alerts.detect import emerging_events, quarantine_event, spike_events
from closedloop.alerts.events import Event
from closedloop.alerts.ledger import Ledger
from closedloop.alerts.messages import compose
from closedloop.core.settings import AlertSettings
from closedloop.core.warehouse import connect_read_only

log = logging.getLogger("closedloop.alerts")


@dataclass
class NotifyReport:
    """What :func:`notify` did.

    Attributes:
        channels: Names of the configured channels.
        events: Events it was given.
        sent: Channel -> number of messages it took.
        announced: Channel -> number of events those messages carried.
        failures: One line per channel that did not take a message (nothing secret).
    """

    channels: list[str] = field(default_factory=list)
    events: int = 0
    sent: dict[str, int] = field(default_factory=dict)
    announced: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def data_events(warehouse: Path, settings: AlertSettings) -> list[Event]:
    """Spikes, emerging themes and the quarantine, read from the warehouse (read-only); none without one."""
    if not warehouse.exists():
        return []
    con = connect_read_only(warehouse)
    try:
        events = spike_events(con, settings.lookback_weeks) + emerging_events(con)
        quarantined = quarantine_event(con, settings.quarantine_min)
    finally:
        con.close()
    return [*events, quarantined] if quarantined else events


def notify(events: Sequence[Event], settings: AlertSettings, *, context: str = "",
           resolved_kinds: Sequence[str] = (), channels: Sequence[Channel] | None = None) -> NotifyReport:
    """Send each channel the events it has not had yet, then record them.

    Args:
        events: What is news now (duplicates by fingerprint are sent once).
        settings: Channels, mode and the ledger's path.
        context: A line saying where the alert comes from.
        resolved_kinds: Kinds of events that are over unless in ``events`` (failures after a good
            run): their records are dropped, so a recurrence is announced again.
        channels: Channels to use instead of the configured ones (tests).

    A channel that fails is reported in the result and logged; the others still get their
    messages, and what it missed is sent on a later run.
    """
    channels = list(channels) if channels is not None else configured_channels(settings)
    report = NotifyReport(channels=[c.name for c in channels], events=len(events))
    unique = list({e.fingerprint: e for e in events}.values())
    ledger = Ledger(settings.ledger)
    if resolved_kinds:
        ledger.forget(resolved_kinds, keep={e.fingerprint for e in unique})
    if not channels:
        return report
    sent = ledger.sent()
    for channel in channels:
        fresh = [e for e in unique if (channel.name, e.fingerprint) not in sent]
        for message in compose(fresh, settings.mode, context):
            try:
                channel.send(message)
            except AlertDeliveryError as exc:
                report.failures.append(str(exc))
                log.warning(f"alert not sent: {exc}")
                continue
            ledger.record(channel.name, message.events)
            report.sent[channel.name] = report.sent.get(channel.name, 0) + 1
            report.announced[channel.name] = report.announced.get(channel.name, 0) + len(message.events)
    return report
