"""``closedloop warehouse create-reader --role NAME``: the read-only role BI tools read the PostgreSQL marts with."""

from __future__ import annotations

import argparse
import os

from closedloop.core.errors import ClosedloopError


def cmd_create_reader(args: argparse.Namespace) -> int:
    """Create or reset the reader role on the shared warehouse; its password from the environment only."""
    from closedloop.core.pg_roles import READER_PASSWORD_VAR, READER_ROLE_VAR, create_reader
    from closedloop.core.warehouse import shared_warehouse

    target = shared_warehouse()
    if target is None:
        raise ClosedloopError("closedloop warehouse create-reader needs CLOSEDLOOP_WAREHOUSE_URL=postgresql://... "
                              "(the DuckDB warehouse has no roles)")
    marts = create_reader(target, args.role, os.environ.get(READER_PASSWORD_VAR, ""))
    print(f"role {args.role} on {target}: may log in, read the {marts} marts there now and every mart dbt builds "
          f"while {READER_ROLE_VAR}={args.role} is set; it can write nothing")
    return 0


def add_warehouse_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``closedloop warehouse``."""
    parser = sub.add_parser("warehouse", help="the shared PostgreSQL warehouse: create-reader")
    commands = parser.add_subparsers(dest="warehouse_command", required=True)
    reader = commands.add_parser(
        "create-reader", help="create (or reset) a login role that may only read the marts, e.g. for Superset",
        description="Create or reset a PostgreSQL login role that may only read the marts (docs/deploy.md). "
                    "Its password is read from CLOSEDLOOP_WAREHOUSE_READER_PASSWORD. Then set "
                    "CLOSEDLOOP_WAREHOUSE_READER_ROLE to the same name for every run, so dbt grants it each "
                    "mart it rebuilds.")
    reader.add_argument("--role", required=True, help="role name: lower-case letters, digits and _")
    reader.set_defaults(func=cmd_create_reader)
