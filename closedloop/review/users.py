"""Who may use the review site: users from ``review.users`` (salted hashes) or ``CLOSEDLOOP_REVIEW_USERS``.

Roles: ``reviewer`` (sees and decides) and ``viewer`` (sees only). Passwords are stored as
werkzeug's salted scrypt hashes, never in clear. ``CLOSEDLOOP_REVIEW_USERS`` holds
``name:role:password`` entries separated by ``;`` (for a deployment that keeps secrets in its
environment); such users are hashed in memory and never written.
"""

from __future__ import annotations

import os
import re
from typing import Literal, cast

import duckdb
from werkzeug.security import check_password_hash, generate_password_hash

from closedloop.review.store import ReviewError, audit, ensure_review_schema, now_utc

Role = Literal["reviewer", "viewer"]
ROLES: tuple[Role, ...] = ("reviewer", "viewer")
USERS_ENV = "CLOSEDLOOP_REVIEW_USERS"
NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


def _check(name: str, role: str, password: str, where: str) -> Role:
    if not NAME.match(name):
        raise ReviewError(f"{where}: user name {name!r} must be 1-64 letters, digits or _.@- (name)")
    if role not in ROLES:
        raise ReviewError(f"{where}: role of {name!r} must be reviewer or viewer, not {role!r} (role)")
    if len(password) < 8:
        raise ReviewError(f"{where}: password of {name!r} must have at least 8 characters (password)")
    return cast(Role, role)


def add_user(con: duckdb.DuckDBPyConnection, name: str, role: str, password: str, by: str = "cli") -> None:
    """Create or update a user with a salted password hash, and audit it (without the hash)."""
    checked = _check(name, role, password, "review user")
    ensure_review_schema(con)
    before = con.execute("select role from review.users where name = ?", [name]).fetchone()
    con.execute("insert or replace into review.users values (?, ?, ?, ?)",
                [name, checked, generate_password_hash(password), now_utc()])
    audit(con, by, "user", "update" if before else "add", name,
          {"role": before[0]} if before else None, {"role": checked})


def env_users(value: str | None = None) -> dict[str, tuple[Role, str]]:
    """Users from ``CLOSEDLOOP_REVIEW_USERS``: name -> (role, salted hash)."""
    raw = os.environ.get(USERS_ENV, "") if value is None else value
    users: dict[str, tuple[Role, str]] = {}
    for number, entry in enumerate((e for e in raw.split(";") if e.strip()), start=1):
        parts = entry.strip().split(":", 2)
        if len(parts) != 3:
            raise ReviewError(f"{USERS_ENV}: entry {number} must be name:role:password")
        name, role, password = parts
        users[name] = (_check(name, role, password, f"{USERS_ENV} entry {number}"), generate_password_hash(password))
    return users


def authenticate(con: duckdb.DuckDBPyConnection, name: str, password: str,
                 from_env: dict[str, tuple[Role, str]]) -> Role | None:
    """The user's role when the password matches, else None (environment users first)."""
    if name in from_env:
        role, hashed = from_env[name]
        return role if check_password_hash(hashed, password) else None
    ensure_review_schema(con)
    row = con.execute("select role, password_hash from review.users where name = ?", [name]).fetchone()
    if row is None or not check_password_hash(row[1], password):
        return None
    return cast(Role, row[0])


def list_users(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(name, role) of the stored users."""
    ensure_review_schema(con)
    return [(r[0], r[1]) for r in con.execute("select name, role from review.users order by name").fetchall()]
