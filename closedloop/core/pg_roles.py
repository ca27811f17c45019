"""The read-only role BI tools read the PostgreSQL marts with (docs/deploy.md, "Superset on PostgreSQL").

Two halves keep the role able to read every mart and nothing else:

* dbt grants ``SELECT`` on each mart it (re)creates and ``USAGE`` on the marts schema, through
  its own ``grants`` config (``dbt_project/dbt_project.yml``, ``dbt_project/macros/reader_grants.sql``),
  whenever ``$CLOSEDLOOP_WAREHOUSE_READER_ROLE`` names the role. A plain ``GRANT`` would vanish
  with the table at the next build.
* :func:`create_reader` (``closedloop warehouse create-reader``) creates the login role once:
  no superuser, no ``CREATEDB``/``CREATEROLE``, not inheriting, read-only transactions by
  default, ``CONNECT`` on the database, ``USAGE`` on ``marts`` and ``SELECT`` on the marts that
  exist already. Its password comes from ``$CLOSEDLOOP_WAREHOUSE_READER_PASSWORD`` only.
"""

from __future__ import annotations

import os
import re
from typing import Protocol

import psycopg

from closedloop.core.errors import ClosedloopError

READER_ROLE_VAR = "CLOSEDLOOP_WAREHOUSE_READER_ROLE"
READER_PASSWORD_VAR = "CLOSEDLOOP_WAREHOUSE_READER_PASSWORD"
MARTS_SCHEMA = "marts"
_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class Warehouse(Protocol):
    """The shared warehouse as :class:`closedloop.core.pg.PgTarget` gives it (not imported: pg imports this)."""

    @property
    def dbname(self) -> str:
        """The database's name."""

    def connect(self) -> psycopg.Connection[tuple[object, ...]]:
        """A new connection as the warehouse user."""


def check_role_name(role: str, source: str = "--role") -> str:
    """``role`` when it is a plain lower-case PostgreSQL identifier (dbt writes it unquoted into GRANT).

    Raises:
        ClosedloopError: The name is not one, naming where it came from.
    """
    if not _ROLE.fullmatch(role):
        raise ClosedloopError(f"{source} must be a lower-case PostgreSQL role name (letters, digits, _; "
                              f"at most 63, not starting with a digit), got {role!r}")
    return role


def reader_role_from_env(environ: dict[str, str] | None = None) -> str | None:
    """The read-only role dbt grants the marts to (``$CLOSEDLOOP_WAREHOUSE_READER_ROLE``), or None.

    Raises:
        ClosedloopError: The name is not a plain lower-case identifier.
    """
    env = os.environ if environ is None else environ
    role = env.get(READER_ROLE_VAR, "").strip()
    return check_role_name(role, READER_ROLE_VAR) if role else None


def create_reader(target: Warehouse, role: str, password: str) -> int:
    """Create (or reset) the login role ``role`` that may only read the marts of ``target``.

    Runs as the warehouse user, which needs ``CREATEROLE`` (or is the superuser). An existing role
    gets the password and the limits again. The password never reaches the server in clear: libpq
    hashes it here into the server's ``password_encryption`` format (a ``SCRAM-SHA-256`` verifier,
    as psql's password command does), so a statement log shows only the verifier; it is never
    printed or written to a file.

    Returns:
        The number of marts the role may read now.

    Raises:
        ClosedloopError: The name is not a plain identifier, the password is empty, or PostgreSQL
            refused (its message, without the password).
    """
    from psycopg import sql

    check_role_name(role)
    if not password:
        raise ClosedloopError(f"set {READER_PASSWORD_VAR} to the reader's password (it is read from there only)")
    name, schema = sql.Identifier(role), sql.Identifier(MARTS_SCHEMA)
    limits = sql.SQL("login password {} nosuperuser nocreatedb nocreaterole noinherit noreplication")
    with target.connect() as pg:
        pg.autocommit = True
        try:
            exists = pg.execute("select 1 from pg_roles where rolname = %s", (role,)).fetchone()
            verb = sql.SQL("alter role" if exists else "create role")
            verifier = pg.pgconn.encrypt_password(password.encode(), role.encode()).decode()
            pg.execute(sql.SQL("{} {} ").format(verb, name) + limits.format(sql.Literal(verifier)))
            pg.execute(sql.SQL("alter role {} set default_transaction_read_only = on").format(name))
            pg.execute(sql.SQL("grant connect on database {} to {}").format(sql.Identifier(target.dbname), name))
            pg.execute(sql.SQL("create schema if not exists {}").format(schema))
            pg.execute(sql.SQL("grant usage on schema {} to {}").format(schema, name))
            pg.execute(sql.SQL("grant select on all tables in schema {} to {}").format(schema, name))
            row = pg.execute("select count(*) from information_schema.tables where table_schema = %s",
                             (MARTS_SCHEMA,)).fetchone()
        except psycopg.Error as exc:
            detail = str(exc).replace(password, "***")
            raise ClosedloopError(f"PostgreSQL {target} refused to set up the reader role {role}: {detail}") from exc
    return int(str(row[0])) if row else 0
