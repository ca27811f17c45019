"""The review site: Flask with server-side Jinja templates, no JavaScript.

Every page needs a login; viewers see the lists, reviewers also the Accept / Reject buttons and the
theme forms. A POST from a viewer is refused with 403 before anything else is read; every POST
carries the session's CSRF token. The warehouse is opened for the length of one request only, so
``closedloop run`` can write it between requests (a request made while a run holds it gets a 503
page saying so). The session cookie is signed with ``CLOSEDLOOP_REVIEW_SECRET`` or a key generated
once into ``$CLOSEDLOOP_HOME/review/secret_key`` (mode 0600).
"""

from __future__ import annotations

import functools
import hmac
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from flask import Flask, abort, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from closedloop.review.effects import candidate_links, link_state, parse_link_id
from closedloop.review.store import (
    ReviewError,
    ThemeDecision,
    WarehouseBusyError,
    decide_link,
    decide_theme,
    open_review,
    theme_decisions,
)
from closedloop.review.themes import parse_ticket_ids, pattern_from_keywords, theme_rows
from closedloop.review.users import authenticate, env_users

SECRET_ENV = "CLOSEDLOOP_REVIEW_SECRET"
F = TypeVar("F", bound=Callable[..., Any])


def secret_key(home: Path) -> str:
    """``CLOSEDLOOP_REVIEW_SECRET``, or a random key kept in ``home/review/secret_key`` (created 0600)."""
    from_env = os.environ.get(SECRET_ENV)
    if from_env:
        return from_env
    path = home / "review" / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip()


def _csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def _login_required(view: F) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if "user" not in session:
            return redirect(url_for("login", next=request.path))
        return view(*args, **kwargs)

    return cast(F, wrapped)


def _guard_posts() -> None:
    """Before every POST: a login (except the login form), the reviewer role (except logging out), the CSRF token."""
    if request.method != "POST":
        return
    if request.endpoint != "login":
        if "user" not in session:
            abort(401)
        if session.get("role") != "reviewer" and request.endpoint != "logout":
            abort(403)
    sent = request.form.get("csrf_token", "")
    if not sent or not hmac.compare_digest(sent, str(session.get("csrf", ""))):
        abort(400, description="the form's CSRF token is missing or stale: reload the page and try again")


def create_app(warehouse: Path, home: Path) -> Flask:
    """The review site over ``warehouse``; ``home`` keeps the generated session secret."""
    app = Flask(__name__, template_folder=str(Path(__file__).with_name("templates")))
    app.config.update(SECRET_KEY=secret_key(home), SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      WAREHOUSE=warehouse, ENV_USERS=env_users())
    app.before_request(_guard_posts)
    app.jinja_env.globals["csrf_token"] = _csrf_token
    app.register_error_handler(WarehouseBusyError, lambda exc: (render_template(
        "message.html", title="The pipeline is writing the warehouse",
        message="A run holds the warehouse right now; try again in a minute."), 503))
    for code in (400, 401, 403):
        app.register_error_handler(code, _error_page)
    _auth_routes(app)
    _link_routes(app)
    _theme_routes(app)
    return app


def _error_page(exc: Any) -> tuple[str, int]:
    titles = {400: "Bad request", 401: "Please log in", 403: "Reviewers only"}
    return render_template("message.html", title=titles.get(exc.code, "Error"), message=exc.description), exc.code


def _auth_routes(app: Flask) -> None:
    warehouse: Path = app.config["WAREHOUSE"]

    @app.route("/login", methods=["GET", "POST"])
    def login() -> str | Response:
        if request.method == "POST":
            name, password = request.form.get("name", ""), request.form.get("password", "")
            with open_review(warehouse) as con:
                role = authenticate(con, name, password, app.config["ENV_USERS"])
            if role is not None:
                target = request.args.get("next", "")
                session.clear()
                session.update(user=name, role=role, csrf=secrets.token_urlsafe(32))
                return redirect(target if target.startswith("/") and not target.startswith("//") else "/links")
            flash("Unknown user or wrong password.")
        return render_template("login.html")

    @app.post("/logout")
    def logout() -> Response:
        session.clear()
        return redirect(url_for("login"))

    @app.get("/")
    @_login_required
    def index() -> Response:
        return redirect(url_for("links"))

    @app.get("/audit")
    @_login_required
    def audit_view() -> str:
        with open_review(warehouse) as con:
            rows = con.execute("select recorded_at, who, kind, action, subject, before_json, after_json "
                               "from review.audit order by audit_id desc limit 200").fetchall()
        return render_template("audit.html", rows=rows)


def _link_routes(app: Flask) -> None:
    warehouse: Path = app.config["WAREHOUSE"]

    @app.get("/links")
    @_login_required
    def links() -> str:
        quarter = request.args.get("quarter") or None
        with open_review(warehouse) as con:
            try:
                share, rows = candidate_links(con, quarter)
            except ReviewError as exc:
                return render_template("message.html", title="No links to review", message=str(exc))
        return render_template("links.html", share=share, links=rows, reviewer=session.get("role") == "reviewer")

    @app.post("/links/decide")
    @_login_required
    def decide_link_view() -> Response:
        decision = request.form.get("decision", "")
        with open_review(warehouse) as con:
            try:
                theme_id, item_id = parse_link_id(request.form.get("link_id", ""))
                before = link_state(con, theme_id, item_id)
                decide_link(con, item_id, theme_id, cast(Any, decision), str(session["user"]), before_state=before)
                flash(f"{decision.capitalize()} {theme_id}:{item_id}; the share changes at the next run.")
            except ReviewError as exc:
                flash(str(exc))
        return redirect(url_for("links", quarter=request.form.get("quarter") or None))



def _theme_routes(app: Flask) -> None:
    warehouse: Path = app.config["WAREHOUSE"]

    @app.get("/themes")
    @_login_required
    def themes() -> str:
        with open_review(warehouse) as con:
            rows, decisions = theme_rows(con), theme_decisions(con)
        return render_template("themes.html", themes=rows, decisions=decisions,
                               reviewer=session.get("role") == "reviewer")

    @app.post("/themes/decide")
    @_login_required
    def decide_theme_view() -> Response:
        form = request.form
        with open_review(warehouse) as con:
            try:
                decision = ThemeDecision(action=cast(Any, form.get("action", "")), theme_id=form.get("theme_id", ""),
                                         name=form.get("name") or None, into_theme_id=form.get("into") or None,
                                         pattern=pattern_from_keywords(form.get("keywords", "")),
                                         ticket_ids=parse_ticket_ids(form.get("tickets", "")))
                number = decide_theme(con, decision, str(session["user"]))
                flash(f"Decision {number} ({decision.action} {decision.theme_id}) recorded; "
                      "it applies at the next run.")
            except ReviewError as exc:
                flash(str(exc))
        return redirect(url_for("themes"))
