"""``closedloop review links | themes | users | serve``: decisions on links and themes, kept in the warehouse.

The work is in :mod:`closedloop.review`; decisions apply at the next ``closedloop run``.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re

from closedloop.core.errors import ClosedloopError
from closedloop.core.settings import load_settings

PASSWORD_ENV = "CLOSEDLOOP_REVIEW_PASSWORD"


def theme_id(text: str) -> str:
    """Argparse type: a theme id as the warehouse spells it (``7``, ``T7`` and ``T0007`` are ``T0007``)."""
    match = re.fullmatch(r"[Tt]?0*(\d+)", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"not a theme id: {text!r} (for example T0007)")
    return f"T{int(match.group(1)):04d}"


def cmd_links(args: argparse.Namespace) -> int:
    """List candidate links by effect, or record a decision on one."""
    from closedloop.review.effects import candidate_links, link_state, parse_link_id
    from closedloop.review.store import LinkDecision, decide_link, open_review

    with open_review(load_settings().warehouse) as con:
        if args.accept or args.reject:
            theme, item = parse_link_id(args.accept or args.reject)
            decision: LinkDecision = "confirmed" if args.accept else "rejected"
            decide_link(con, item, theme, decision, args.by, note=args.note, before_state=link_state(con, theme, item))
            print(f"{decision} {theme}:{item} by {args.by}; the share changes at the next `closedloop run`")
            return 0
        share, links = candidate_links(con, args.quarter)
    print(f"{share.quarter_key}: support-driven share {share.support_driven_share:.1%} "
          f"({share.support_driven_items} of {share.shipped_items} shipped improvements"
          f"{'; ' + share.interval_text if share.interval_text else ''})")
    print(f"{'link':<22} {'score':>5} {'acc':>3} {'moves':>7} {'effect':>7}  decision   theme / item")
    for link in links[: args.limit]:
        print(f"{link.link_id:<22} {link.score:>5.2f} {'yes' if link.is_accepted else 'no':>3} "
              f"{100 * link.delta:>+6.1f}p {link.effect:>7.4f}  {link.decided or '-':<9}  "
              f"{(link.theme_name or link.theme_id)[:30]} / {(link.item_summary or '')[:40]}")
    if len(links) > args.limit:
        print(f"... {len(links) - args.limit} more (--limit)")
    return 0


def cmd_themes(args: argparse.Namespace) -> int:
    """List themes, or record a rename, merge, ignore or split-off."""
    from closedloop.review.store import ThemeDecision, decide_theme, open_review
    from closedloop.review.themes import pattern_from_keywords, theme_rows

    decision: ThemeDecision | None = None
    if args.rename:
        decision = ThemeDecision("rename", theme_id(args.rename[0]), name=args.rename[1])
    elif args.merge:
        decision = ThemeDecision("merge", theme_id(args.merge[0]), into_theme_id=theme_id(args.merge[1]))
    elif args.ignore:
        decision = ThemeDecision("ignore", args.ignore)
    elif args.split:
        decision = ThemeDecision("split_off", args.split, name=args.name,
                                 pattern=pattern_from_keywords(args.keywords or ""), ticket_ids=tuple(args.tickets))
    with open_review(load_settings().warehouse) as con:
        if decision is not None:
            number = decide_theme(con, decision, args.by)
            print(f"decision {number}: {decision.action} {decision.theme_id} by {args.by}; "
                  "it applies at the next `closedloop run`")
            return 0
        rows = theme_rows(con)
    print(f"{'theme':<6} {'tickets':>7}  name (keywords)")
    for row in rows:
        flag = " [ignored]" if row.ignored else ""
        print(f"{row.theme_id:<6} {row.tickets:>7}  {row.name}{flag} ({', '.join(row.keywords[:5])})")
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    """Add (or update) a user of the review site; the password comes from the environment or a prompt."""
    from closedloop.review.store import open_review
    from closedloop.review.users import add_user, list_users

    with open_review(load_settings().warehouse) as con:
        if args.action == "list":
            for name, role in list_users(con):
                print(f"{name}\t{role}")
            return 0
        if not args.name or not args.role:
            raise ClosedloopError("review users add: give NAME and --role reviewer|viewer")
        password = os.environ.get(PASSWORD_ENV) or getpass.getpass(f"password for {args.name}: ")
        add_user(con, args.name, args.role, password, by=getpass.getuser())
    print(f"user {args.name} ({args.role}) saved")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the review site until interrupted."""
    from closedloop.core.settings import prepare_environment
    from closedloop.review.web import create_app

    settings = prepare_environment(load_settings())
    app = create_app(settings.warehouse, settings.home)
    print(f"review site on http://{args.host}:{args.port}/ (Ctrl-C stops it)", flush=True)
    app.run(host=args.host, port=args.port, debug=False, use_reloader=False)
    return 0


def add_review_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``closedloop review``."""
    review = sub.add_parser("review", help="review links and themes (decisions apply at the next run)")
    rsub = review.add_subparsers(dest="review_command", required=True)
    who = os.environ.get("USER") or "cli"

    links = rsub.add_parser("links", help="candidate links by their effect on the quarter's support-driven share")
    links.add_argument("--quarter", help="e.g. 2025Q4 (default: the latest quarter with shipped improvements)")
    act = links.add_mutually_exclusive_group()
    act.add_argument("--accept", metavar="ID", help="confirm link THEME:ITEM (e.g. T0007:PAY-12)")
    act.add_argument("--reject", metavar="ID", help="reject link THEME:ITEM")
    links.add_argument("--by", default=who, help="who decides (default $USER)")
    links.add_argument("--note", help="kept with the decision")
    links.add_argument("--limit", type=int, default=30, help="rows to list (default 30)")
    links.set_defaults(func=cmd_links)

    themes = rsub.add_parser("themes", help="list themes, or rename, merge, ignore or split one off")
    act = themes.add_mutually_exclusive_group()
    act.add_argument("--rename", nargs=2, metavar=("ID", "NAME"))
    act.add_argument("--merge", nargs=2, metavar=("ID", "INTO"))
    act.add_argument("--ignore", metavar="ID", type=theme_id)
    act.add_argument("--split", metavar="ID", type=theme_id, help="with --name and --tickets and/or --keywords")
    themes.add_argument("--name", help="name of the split-off theme")
    themes.add_argument("--tickets", nargs="+", default=[], metavar="TICKET", help="tickets to split off")
    themes.add_argument("--keywords", help="comma-separated keywords: their tickets are split off")
    themes.add_argument("--by", default=who, help="who decides (default $USER)")
    themes.set_defaults(func=cmd_themes)

    users = rsub.add_parser("users", help=f"users of the review site (password from ${PASSWORD_ENV} or a prompt)")
    users.add_argument("action", choices=["add", "list"])
    users.add_argument("name", nargs="?")
    users.add_argument("--role", choices=["reviewer", "viewer"])
    users.set_defaults(func=cmd_users)

    serve = rsub.add_parser("serve", help="the review web site (login required)")
    serve.add_argument("--port", type=int, default=8090)
    serve.add_argument("--host", default="127.0.0.1")
    serve.set_defaults(func=cmd_serve)
