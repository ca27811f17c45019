"""The ``closedloop`` command line: parses flags, calls library functions, prints; nothing else.

One module per command group: :mod:`closedloop.cli.pipeline` (demo-data, ingest, run, summary,
report), :mod:`closedloop.cli.topics`, :mod:`closedloop.cli.link`, :mod:`closedloop.cli.dashboards`,
:mod:`closedloop.cli.review`, :mod:`closedloop.cli.warehouse`.
"""

from __future__ import annotations

import argparse
import sys

from closedloop.cli.common import setup_logging
from closedloop.core.errors import ClosedloopError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    from closedloop.cli.dashboards import add_dashboards_parser
    from closedloop.cli.link import add_link_parser
    from closedloop.cli.pipeline import add_pipeline_parsers
    from closedloop.cli.review import add_review_parser
    from closedloop.cli.topics import add_topics_parser
    from closedloop.cli.warehouse import add_warehouse_parser

    parser = argparse.ArgumentParser(prog="closedloop", description="Close the loop between support and product.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)
    add_pipeline_parsers(sub)
    add_topics_parser(sub)
    add_link_parser(sub)
    add_dashboards_parser(sub)
    add_review_parser(sub)
    add_warehouse_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``closedloop`` console script."""
    from topics.embed import ModelNotFoundError
    from topics.errors import InputError

    args = build_parser().parse_args(argv)
    setup_logging(args.verbose)
    try:
        return int(args.func(args))
    except (ClosedloopError, InputError, ModelNotFoundError) as exc:
        print(f"closedloop: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
