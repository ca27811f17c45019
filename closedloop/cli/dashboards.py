"""``closedloop dashboards up | down | push``: thin wrappers over ``dashboards.server`` and ``dashboards.sync``."""

from __future__ import annotations

import argparse
import logging

from closedloop.core.errors import ClosedloopError

log = logging.getLogger("closedloop.dashboards")


def cmd_dashboards(args: argparse.Namespace) -> int:
    """Start, stop, or push to Superset."""
    from closedloop.core.settings import load_settings, prepare_environment
    from dashboards import server
    from dashboards.sync import push

    settings = prepare_environment(load_settings())
    if args.action == "up":
        url = server.up(settings)
        print(f"Superset: {url}  (user admin; password: CLOSEDLOOP_SUPERSET_ADMIN_PASSWORD, or the one printed "
              "when it was generated)")
    elif args.action == "down":
        server.down(settings)
    else:
        url = args.url or settings.superset_url or server.url()
        username, password = settings.superset_login
        if not password:
            raise ClosedloopError("set CLOSEDLOOP_SUPERSET_ADMIN_PASSWORD to push the dashboards")
        push(url, username, password, settings.serving_warehouse, settings.superset_home)
    return 0


def add_dashboards_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``closedloop dashboards``."""
    parser = sub.add_parser("dashboards", help="Superset dashboards: up (set up, import, start), down, push")
    parser.add_argument("action", choices=["up", "down", "push"],
                        help="up: start a local Superset on 127.0.0.1:8088 with the dashboards; down: stop it; "
                             "push: import the bundle into the Superset at --url")
    parser.add_argument("--url", help="Superset to push to (default $CLOSEDLOOP_SUPERSET_URL or the local one)")
    parser.set_defaults(func=cmd_dashboards)
