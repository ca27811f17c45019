"""Delivery: Slack-shaped POSTs, the JSON webhook and e-mail reach local receivers, once per event and channel.

Slack and the webhook are a local HTTP server thread that records POSTs, e-mail a local aiosmtpd
server; the channels are the real ones (urllib, smtplib) pointed at them.
"""

from __future__ import annotations

import pytest

from closedloop.alerts.events import FAILURE_KINDS, THEME_SPIKE, Event, run_failed
from closedloop.alerts.notify import notify
from closedloop.core.errors import ClosedloopError
from closedloop.core.settings import load_settings


def _spike(theme: str, week: str = "2025-12-15") -> Event:
    return Event(THEME_SPIKE, f"{THEME_SPIKE}:{theme}:{week}", f"Spike: {theme} (week of {week})",
                 ("40 tickets in the week", "growth +75%"), ("Withdrawal pending: write to <EMAIL> & wait",),
                 facts={"theme_name": theme, "tickets": 40})


def test_nothing_is_sent_or_recorded_without_a_configured_channel(http_receiver):
    settings = load_settings().alerts
    report = notify([_spike("Withdrawal stuck")], settings)
    assert report.channels == []
    assert report.sent == {}
    assert not settings.ledger.exists()
    assert http_receiver.posts == []


def test_a_digest_is_one_slack_message_one_webhook_post_and_one_email_naming_every_event(
        alert_env, http_receiver, smtp_receiver):
    report = notify([_spike("Withdrawal stuck"), _spike("KYC verification"), run_failed("raw_tickets", "boom")],
                    load_settings().alerts, context="closedloop run 1234abcd")
    assert report.sent == {"slack": 1, "webhook": 1, "email": 1}
    assert report.failures == []
    (slack,) = http_receiver.bodies("/slack")
    assert set(slack) == {"text", "blocks"}
    assert slack["blocks"][0] == {"type": "header", "text": {"type": "plain_text",
                                                             "text": "closedloop: 3 alerts (2 spikes, 1 failed step)"}}
    sections = [b["text"]["text"] for b in slack["blocks"] if b["type"] == "section"]
    assert len(sections) == 3
    assert sections[0].startswith("*Spike: Withdrawal stuck (week of 2025-12-15)*")
    assert "*Spike: KYC verification" in sections[1]
    assert "*Run failed at step raw_tickets*" in sections[2]
    (hook,) = http_receiver.bodies("/hook")
    assert [e["facts"].get("theme_name") for e in hook["events"]] == ["Withdrawal stuck", "KYC verification", None]
    (mail,) = smtp_receiver.messages
    assert mail["Subject"] == "closedloop: 3 alerts (2 spikes, 1 failed step)"
    assert smtp_receiver.envelopes == [("closedloop@example.test", ["pm@example.test", "lead@example.test"])]
    body = mail.get_content()
    assert "Spike: Withdrawal stuck" in body
    assert '"Withdrawal pending: write to <EMAIL> & wait"' in body


def test_events_already_sent_are_not_sent_again(alert_env, http_receiver, smtp_receiver):
    settings = load_settings().alerts
    notify([_spike("Withdrawal stuck")], settings)
    again = notify([_spike("Withdrawal stuck")], settings)
    assert again.sent == {}
    newer = notify([_spike("Withdrawal stuck"), _spike("Withdrawal stuck", week="2025-12-22")], settings)
    assert newer.announced == {"slack": 1, "webhook": 1, "email": 1}
    assert len(http_receiver.bodies("/slack")) == 2
    assert len(smtp_receiver.messages) == 2
    assert "2025-12-22" in http_receiver.bodies("/slack")[1]["text"]


def test_event_mode_sends_one_message_per_event(alert_env, monkeypatch, http_receiver, smtp_receiver):
    monkeypatch.setenv("CLOSEDLOOP_ALERT_MODE", "event")
    notify([_spike("Withdrawal stuck"), _spike("KYC verification")], load_settings().alerts)
    titles = [b["blocks"][0]["text"]["text"] for b in http_receiver.bodies("/slack")]
    assert titles == ["closedloop: Spike: Withdrawal stuck (week of 2025-12-15)",
                      "closedloop: Spike: KYC verification (week of 2025-12-15)"]
    assert len(smtp_receiver.messages) == 2


def test_slack_text_escapes_markup_so_redaction_placeholders_show_as_written(alert_env, http_receiver):
    notify([_spike("Withdrawal stuck")], load_settings().alerts)
    section = http_receiver.bodies("/slack")[0]["blocks"][1]["text"]["text"]
    assert "write to &lt;EMAIL&gt; &amp; wait" in section
    assert "<EMAIL>" not in section


def test_a_channel_that_refuses_gets_the_message_next_time_and_the_others_still_get_it(
        alert_env, http_receiver, smtp_receiver):
    settings = load_settings().alerts
    http_receiver.status = 500
    first = notify([_spike("Withdrawal stuck")], settings)
    assert first.sent == {"email": 1}
    assert any(f.startswith("slack: 127.0.0.1 answered HTTP 500") for f in first.failures)
    assert not any("/slack" in f for f in first.failures), "the webhook URL is a secret"
    http_receiver.status = 200
    second = notify([_spike("Withdrawal stuck")], settings)
    assert second.sent == {"slack": 1, "webhook": 1}
    assert len(smtp_receiver.messages) == 1


def test_a_failure_is_told_once_and_again_after_a_good_run(alert_env, http_receiver):
    settings = load_settings().alerts
    failure = run_failed("closedloop_dbt_assets", "dbt build failed: 2 tests failed\nmore detail")
    assert notify([failure], settings).sent["slack"] == 1
    assert notify([failure], settings).sent == {}
    notify([], settings, resolved_kinds=FAILURE_KINDS)  # a good run
    assert notify([failure], settings).sent["slack"] == 1
    text = http_receiver.bodies("/slack")[0]["text"]
    assert "Run failed at step closedloop_dbt_assets" in text


def test_a_password_is_not_sent_to_a_server_without_starttls(alert_env, monkeypatch, smtp_receiver):
    monkeypatch.setenv("CLOSEDLOOP_ALERT_SMTP_USER", "closedloop")
    monkeypatch.setenv("CLOSEDLOOP_ALERT_SMTP_PASSWORD", "s3cret")
    report = notify([_spike("Withdrawal stuck")], load_settings().alerts)
    assert "email" not in report.sent
    assert any("refusing to send the password in clear" in f for f in report.failures)
    assert not any("s3cret" in f for f in report.failures)
    assert smtp_receiver.messages == []


@pytest.mark.parametrize(("name", "value", "words"), [
    ("CLOSEDLOOP_ALERT_QUARANTINE_MIN", "many", "CLOSEDLOOP_ALERT_QUARANTINE_MIN must be a whole number"),
    ("CLOSEDLOOP_ALERT_MODE", "hourly", "CLOSEDLOOP_ALERT_MODE must be digest or event"),
    ("CLOSEDLOOP_ALERT_SMTP_STARTTLS", "maybe", "CLOSEDLOOP_ALERT_SMTP_STARTTLS must be 1 or 0"),
])
def test_a_malformed_setting_is_named(monkeypatch, name, value, words):
    monkeypatch.setenv(name, value)
    with pytest.raises(ClosedloopError, match=words):
        _ = load_settings().alerts


def test_an_smtp_host_without_recipients_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("CLOSEDLOOP_ALERT_SMTP_HOST", "127.0.0.1")
    with pytest.raises(ClosedloopError, match="CLOSEDLOOP_ALERT_SMTP_TO"):
        notify([_spike("Withdrawal stuck")], load_settings().alerts)
