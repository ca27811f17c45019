"""Local receivers that stand in for Slack, a webhook and an SMTP server; alerts never leave the machine."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass
class HttpReceiver:
    """An HTTP server on 127.0.0.1 that records every POST and answers ``status`` with ``ok``."""

    url: str
    posts: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200

    def bodies(self, path: str) -> list[Any]:
        """JSON bodies POSTed to ``path``."""
        return [p["json"] for p in self.posts if p["path"] == path]


@pytest.fixture
def http_receiver() -> Iterator[HttpReceiver]:
    """A local HTTP server thread recording POSTs (``/slack`` stands in for Slack's incoming webhook)."""
    receiver = HttpReceiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            receiver.posts.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
            self.send_response(receiver.status)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()


@dataclass
class SmtpReceiver:
    """An aiosmtpd server on 127.0.0.1 that keeps every message it gets."""

    host: str
    port: int
    messages: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Record the message (aiosmtpd calls this for each DATA)."""
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.original_content, policy=default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_receiver() -> Iterator[SmtpReceiver]:
    """A local SMTP server (aiosmtpd) recording every message; no TLS, no login."""
    receiver = SmtpReceiver(host="127.0.0.1", port=_free_port())
    controller = Controller(receiver, hostname=receiver.host, port=receiver.port)
    controller.start()
    yield receiver
    controller.stop()


@pytest.fixture
def alert_env(monkeypatch: pytest.MonkeyPatch, http_receiver: HttpReceiver,
              smtp_receiver: SmtpReceiver) -> dict[str, str]:
    """Every alert channel pointed at the local receivers (set in this process and returned for children)."""
    env = {"CLOSEDLOOP_ALERT_SLACK_WEBHOOK": f"{http_receiver.url}/slack",
           "CLOSEDLOOP_ALERT_WEBHOOK_URL": f"{http_receiver.url}/hook",
           "CLOSEDLOOP_ALERT_SMTP_HOST": smtp_receiver.host,
           "CLOSEDLOOP_ALERT_SMTP_PORT": str(smtp_receiver.port),
           "CLOSEDLOOP_ALERT_SMTP_FROM": "closedloop@example.test",
           "CLOSEDLOOP_ALERT_SMTP_TO": "pm@example.test, lead@example.test"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env
