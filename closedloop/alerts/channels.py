"""Deliver messages: Slack (incoming webhook), a generic JSON webhook, SMTP e-mail.

HTTP channels POST JSON with urllib (no client library; Slack's incoming webhooks take a plain
POST: https://api.slack.com/messaging/webhooks). A webhook URL is a secret: errors name the host
only. E-mail goes through ``smtplib``: STARTTLS when asked for, or (unset) when the server offers
it; a login over a connection without TLS is refused unless STARTTLS was switched off on purpose.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from closedloop.alerts.messages import Message, email, slack_payload, webhook_payload
from closedloop.core.errors import ClosedloopError
from closedloop.core.settings import AlertSettings

TIMEOUT_SECONDS = 15


class AlertDeliveryError(ClosedloopError):
    """A channel did not take a message (its name and the reason; never a secret)."""


class Channel(Protocol):
    """Something that delivers a :class:`Message`."""

    @property
    def name(self) -> str: ...  # noqa: D102

    def send(self, message: Message) -> None: ...  # noqa: D102


def post_json(url: str, body: dict[str, Any], channel: str) -> None:
    """POST ``body`` as JSON to ``url``; raise :class:`AlertDeliveryError` unless the answer is 2xx."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise AlertDeliveryError(f"{channel}: the URL is not an http(s) URL")
    request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "closedloop-alerts"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise AlertDeliveryError(f"{channel}: {parts.hostname} answered HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise AlertDeliveryError(f"{channel}: could not reach {parts.hostname} ({reason})") from None


@dataclass(frozen=True)
class SlackChannel:
    """Slack through an incoming-webhook URL."""

    url: str
    name: str = "slack"

    def send(self, message: Message) -> None:
        """POST the message as Slack blocks."""
        post_json(self.url, slack_payload(message), self.name)


@dataclass(frozen=True)
class WebhookChannel:
    """Any endpoint that takes a JSON POST."""

    url: str
    name: str = "webhook"

    def send(self, message: Message) -> None:
        """POST the message as closedloop's JSON body."""
        post_json(self.url, webhook_payload(message), self.name)


@dataclass(frozen=True)
class EmailChannel:
    """E-mail through an SMTP server."""

    settings: AlertSettings
    name: str = "email"

    def send(self, message: Message) -> None:
        """Send the message as one plain-text e-mail to every recipient."""
        s = self.settings
        host = s.smtp_host or ""
        mail = email(message, s.smtp_from, s.smtp_to)
        try:
            with smtplib.SMTP(host, s.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
                smtp.ehlo()
                tls = s.smtp_starttls if s.smtp_starttls is not None else smtp.has_extn("starttls")
                if tls:
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if s.smtp_user:
                    if not tls and s.smtp_starttls is None:
                        raise AlertDeliveryError(f"email: {host} offers no STARTTLS; refusing to send the password "
                                                 "in clear (set CLOSEDLOOP_ALERT_SMTP_STARTTLS=0 to allow it)")
                    smtp.login(s.smtp_user, s.smtp_password or "")
                smtp.send_message(mail)
        except (smtplib.SMTPException, OSError) as exc:
            raise AlertDeliveryError(f"email: {host}:{s.smtp_port} did not take the message ({exc})") from None


def configured_channels(settings: AlertSettings) -> list[Channel]:
    """The channels the environment configures, in the order Slack, webhook, e-mail (none: empty).

    Raises:
        ClosedloopError: An SMTP host is set without recipients.
    """
    channels: list[Channel] = []
    if settings.slack_webhook:
        channels.append(SlackChannel(settings.slack_webhook))
    if settings.webhook_url:
        channels.append(WebhookChannel(settings.webhook_url))
    if settings.smtp_host:
        if not settings.smtp_to:
            raise ClosedloopError("CLOSEDLOOP_ALERT_SMTP_HOST is set but CLOSEDLOOP_ALERT_SMTP_TO (recipients) is not")
        channels.append(EmailChannel(settings))
    return channels
