"""The review site: login, roles, CSRF and one-click decisions, through Flask's test client on a real warehouse."""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any

import duckdb
import pytest

from closedloop.review.users import add_user
from closedloop.review.web import create_app

PASSWORD = "long enough password"


@pytest.fixture
def app(review_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The site over the small warehouse, with reviewer anna and viewer victor."""
    monkeypatch.delenv("CLOSEDLOOP_REVIEW_SECRET", raising=False)
    monkeypatch.delenv("CLOSEDLOOP_REVIEW_USERS", raising=False)
    with duckdb.connect(str(review_warehouse)) as con:
        add_user(con, "anna", "reviewer", PASSWORD)
        add_user(con, "victor", "viewer", PASSWORD)
    return create_app(review_warehouse, tmp_path / "home")


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a CSRF token"
    return found.group(1)


def _log_in(client: Any, name: str) -> str:
    token = _token(client.get("/login").get_data(as_text=True))
    page = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token}, follow_redirects=True)
    assert f"{name} (" in page.get_data(as_text=True)
    return _token(page.get_data(as_text=True))


def test_nobody_sees_anything_without_logging_in(app: Any):
    client = app.test_client()
    for path in ("/", "/links", "/themes", "/audit"):
        assert client.get(path).status_code == 302
        assert "/login" in client.get(path).headers["Location"]
    assert client.post("/links/decide", data={"link_id": "T0001:EX-A", "decision": "rejected"}).status_code == 401
    token = _token(client.get("/login").get_data(as_text=True))
    wrong = client.post("/login", data={"name": "anna", "password": "guess", "csrf_token": token})
    assert "wrong password" in wrong.get_data(as_text=True)


def test_a_viewer_sees_the_lists_without_actions_and_is_refused_on_post(app: Any):
    client = app.test_client()
    _log_in(client, "victor")
    links = client.get("/links").get_data(as_text=True)
    themes = client.get("/themes").get_data(as_text=True)
    assert "T0002:EX-C" in links
    assert "refunds" in themes
    assert "<button type=\"submit\" class=" not in links
    assert "Merge into" not in themes
    refused = client.post("/links/decide", data={"link_id": "T0001:EX-A", "decision": "rejected"})
    assert refused.status_code == 403
    assert client.post("/themes/decide", data={"theme_id": "T0001", "action": "ignore"}).status_code == 403
    client.post("/logout", data={"csrf_token": _token(links)})
    assert client.get("/links").status_code == 302, "the viewer could log out"


def test_a_reviewer_decides_with_one_click_and_the_decision_is_audited(app: Any, review_warehouse: Path):
    client = app.test_client()
    _log_in(client, "anna")
    page = client.get("/links?quarter=2025Q4").get_data(as_text=True)
    assert page.index("T0002:EX-C") < page.index("T0001:EX-A"), "largest effect first"
    answer = client.post("/links/decide", data={"link_id": "T0001:EX-A", "decision": "rejected",
                                                "csrf_token": _token(page), "quarter": "2025Q4"},
                         follow_redirects=True)
    assert "Rejected T0001:EX-A" in answer.get_data(as_text=True)
    merged = client.post("/themes/decide", data={"theme_id": "T0003", "action": "merge", "into": "T0001",
                                                 "csrf_token": _token(page)}, follow_redirects=True)
    assert "merge T0003" in merged.get_data(as_text=True)
    with duckdb.connect(str(review_warehouse)) as con:
        decisions = con.execute("select item_id, theme_id, decision, reviewer from review.link_decisions").fetchall()
        audit = con.execute("select who, kind, action from review.audit where kind <> 'user' order by audit_id"
                            ).fetchall()
    assert decisions == [("EX-A", "T0001", "rejected", "anna")]
    assert audit == [("anna", "link", "rejected"), ("anna", "theme", "merge")]


def test_a_post_without_the_sessions_csrf_token_changes_nothing(app: Any, review_warehouse: Path):
    client = app.test_client()
    _log_in(client, "anna")
    forged = client.post("/links/decide", data={"link_id": "T0001:EX-A", "decision": "rejected",
                                                "csrf_token": "forged"})
    assert forged.status_code == 400
    with duckdb.connect(str(review_warehouse)) as con:
        assert con.execute("select count(*) from review.link_decisions").fetchone() == (0,)


def test_the_generated_session_secret_is_kept_private_and_reused(app: Any, review_warehouse: Path, tmp_path: Path):
    secret = tmp_path / "home" / "review" / "secret_key"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert create_app(review_warehouse, tmp_path / "home").secret_key == app.secret_key
