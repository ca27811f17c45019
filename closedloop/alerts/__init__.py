"""Opt-in alerts: tell people when a theme spikes or emerges, a check or a run fails, rows are quarantined.

``detect`` reads the marts and the quarantine into :class:`~closedloop.alerts.events.Event` s,
``messages`` renders them for each channel (Slack blocks, a JSON webhook body, a plain e-mail),
``channels`` delivers them (HTTPS POST with urllib, SMTP), ``ledger`` remembers what went to which
channel so nothing is announced twice, and ``notify`` ties these together. Nothing is sent unless
a channel is configured (``$CLOSEDLOOP_ALERT_*``, see ``closedloop.core.settings.AlertSettings``).
This room imports only ``closedloop.core``; orchestration calls it at the end of a run.
"""
