"""``closedloop link calibrate``: refit the link confidence on the account's own reviewed links.

The work is :mod:`closedloop.review.calibrate`; this module parses the flags, prints the
leave-one-quarter-out table and says where the coefficients went.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from closedloop.core.settings import load_settings
from closedloop.core.warehouse import connect_read_only, project_vars

log = logging.getLogger("closedloop.link")


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Fit on the reviewed links, print the leave-one-quarter-out error, write the coefficients."""
    from closedloop.review import calibrate as cal
    from closedloop.review.store import ReviewError

    settings = load_settings()
    source = None if args.reviews == "warehouse" else Path(args.reviews)
    if not settings.warehouse.is_file():
        raise ReviewError(f"{settings.warehouse}: no warehouse yet: run `closedloop run` first")
    con = connect_read_only(settings.warehouse)
    try:
        data = cal.reviewed_pairs(con, cal.read_decisions(con, source))
    finally:
        con.close()
    threshold = float(project_vars()["link_confidence_threshold"])
    result = cal.calibrate(data, threshold)
    log.info(f"fitted on {result.pairs} reviewed pairs ({result.confirmed} confirmed) from "
             f"{source or 'review.link_decisions'}; leave-one-quarter-out at threshold {threshold}:")
    log.info(f"{'quarter':8} {'pairs':>6} {'confirmed':>9} {'precision':>9} {'recall':>7} {'log loss':>8}")
    for q in result.quarters:
        log.info(f"{q.quarter:8} {q.pairs:6d} {q.confirmed:9d} {_fmt(q.precision):>9} {_fmt(q.recall):>7} "
                 f"{q.log_loss:8.3f}")
    pooled = result.pooled
    log.info(f"{'all':8} {sum(q.pairs for q in result.quarters):6d} {sum(q.confirmed for q in result.quarters):9d} "
             f"{_fmt(pooled['precision']):>9} {_fmt(pooled['recall']):>7} {_fmt(pooled['log_loss']):>8}")
    if args.dry_run:
        log.info("--dry-run: nothing written; the pipeline keeps its coefficients")
        return 0
    path = cal.write_coefficients(settings.home, result, str(source or "review.link_decisions"))
    log.info(f"coefficients written to {path}; the next `closedloop run` scores links with them "
             f"(delete the file to go back to the shipped ones)")
    return 0


def add_calibrate_parser(link: argparse.ArgumentParser) -> None:
    """Register ``calibrate`` under the ``link`` command."""
    sub = link.add_subparsers(dest="link_command", metavar="calibrate")
    parser = sub.add_parser(
        "calibrate", help="refit link confidence on the account's reviewed links",
        description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reviews", default="warehouse", metavar="FILE|warehouse",
                        help="a CSV of decisions (item_id, theme_id, decision) or 'warehouse' for "
                             "review.link_decisions (default)")
    parser.add_argument("--dry-run", action="store_true", help="fit and report, write nothing")
    parser.set_defaults(func=cmd_calibrate)
