"""Pushing dashboards allows oauthlib's plain http for a Superset on this machine only, per request.

The Superset here is a stub (a few JSON endpoints on a local HTTP server): what is tested is the
client's process environment before and after a login and a push, which needs no real Superset; the
real push against Superset 6.1 is in test_dashboards_e2e.py.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from dashboards.sync import INSECURE_TRANSPORT, client, plain_http_allowed, push


class _StubSuperset(BaseHTTPRequestHandler):
    seen: list[tuple[str, str, str | None, bool]] = []  # noqa: RUF012  (method, path, bearer, env set)

    def _reply(self, body: dict[str, Any]) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.seen.append((self.command, self.path, self.headers.get("Authorization"),
                          INSECURE_TRANSPORT in os.environ))
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self) -> None:
        if self.path.startswith("/api/v1/security/login"):
            self._reply({"access_token": "access", "refresh_token": "refresh"})
        else:
            self._reply({"message": "OK"})

    def do_GET(self) -> None:
        if self.path.startswith("/api/v1/security/csrf_token"):
            self._reply({"result": "csrf"})
        else:
            self._reply({"count": 3, "result": []})

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def superset_stub() -> Iterator[str]:
    """``http://127.0.0.1:<port>`` answering login, CSRF token, assets import and dashboard list."""
    _StubSuperset.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StubSuperset)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_push_to_a_local_superset_leaves_the_environment_as_it_was(superset_stub, tmp_path, monkeypatch):
    monkeypatch.delenv(INSECURE_TRANSPORT, raising=False)
    before = dict(os.environ)
    assert push(superset_stub, "admin", "secret", tmp_path / "closedloop.duckdb", tmp_path) == 3
    assert dict(os.environ) == before
    imports = [s for s in _StubSuperset.seen if s[1] == "/api/v1/assets/import/"]
    assert imports, _StubSuperset.seen
    assert imports[0][2] == "Bearer access", "the import goes through the logged-in OAuth2 session"


def test_a_users_own_insecure_transport_setting_is_put_back(superset_stub, monkeypatch):
    monkeypatch.setenv(INSECURE_TRANSPORT, "yes")
    api = client(superset_stub, "admin", "secret")
    assert api.get(f"{superset_stub}/api/v1/dashboard/").json()["count"] == 3
    assert os.environ[INSECURE_TRANSPORT] == "yes"


@pytest.mark.parametrize("url", ["https://127.0.0.1:8088", "http://superset.example.com",
                                 "http://127.0.0.1.example.com:8088"])
def test_plain_http_is_never_allowed_for_a_remote_or_https_superset(url, monkeypatch):
    monkeypatch.delenv(INSECURE_TRANSPORT, raising=False)
    with plain_http_allowed(url):
        assert INSECURE_TRANSPORT not in os.environ
