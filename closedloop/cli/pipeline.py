"""``closedloop demo-data | ingest | run | summary | report``: the pipeline's commands."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from closedloop.cli.common import positive_int


def cmd_demo_data(args: argparse.Namespace) -> int:
    """Write demo exports and truth to ``--out``."""
    from closedloop.demo import generate

    log = logging.getLogger("closedloop.demo")
    started = time.perf_counter()
    summary = generate(Path(args.out), tickets=args.tickets, seed=args.seed, start=args.start,
                       quarters=args.quarters, progress=log.info, relabel_references=args.relabel_references)
    log.info(f"demo data: {summary} in {time.perf_counter() - started:.1f}s -> {args.out}")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    """Load exports into the raw tables without Dagster (same code the raw assets run)."""
    from closedloop.core.lock import run_lock
    from closedloop.core.settings import load_settings, prepare_environment, record_exports_folder
    from closedloop.core.warehouse import connect, publish_tables, schema_tables, shared_warehouse
    from closedloop.ingest import load_all

    settings = prepare_environment(load_settings())
    data = Path(args.data).resolve() if args.data else settings.data_dir
    with run_lock(settings.home):  # each entity's line is logged once, by load_entity (closedloop.ingest)
        record_exports_folder(replace(settings, data_dir=data))  # `closedloop summary` names it
        report = load_all(settings.warehouse, data)
        if shared_warehouse() is not None:  # the raw tables dbt reads on the shared PostgreSQL warehouse
            with connect(settings.warehouse) as con:
                publish_tables(con, schema_tables(con, ["raw"]))
    if report.partial:  # one line per table that did not load, exit 2 like every error a user can fix
        loaded = len(report.entities) - len(report.errors)
        for error in report.errors:
            print(f"closedloop: {error} (partial load: {loaded} of {len(report.entities)} tables loaded; "
                  "this one is as it was before)", file=sys.stderr)
        return 2
    return 0 if report.entities else 1


def _preflight(data: Path | None) -> None:
    """Warn about references in the exports that can name nothing (file, line, field), before Dagster is imported.

    Importing Dagster takes seconds (tens on a busy machine); these lines come first. A sources
    file that cannot be read is left to the loading steps, which fail on it and say so.
    """
    from closedloop.core.errors import ClosedloopError
    from closedloop.core.settings import load_settings
    from closedloop.ingest.config import load_config
    from closedloop.ingest.preflight import preflight

    settings = load_settings()
    folder = data.resolve() if data else settings.data_dir
    user = folder / "closedloop-sources.yml"
    try:
        config = load_config(user if user.exists() else None)
    except ClosedloopError:
        return
    folders = [folder] + ([settings.inbox] if settings.inbox.exists() else [])
    for warning in preflight(settings.warehouse, folders, config):
        logging.getLogger("closedloop.ingest").warning(warning)


def cmd_run(args: argparse.Namespace) -> int:
    """Materialize every asset and print a line per stage."""
    _preflight(Path(args.data) if args.data else None)
    from orchestration.run import run_pipeline

    result = run_pipeline(Path(args.data) if args.data else None, selection=args.select)
    log = logging.getLogger("closedloop.pipeline")
    for check in result.failed_checks:
        log.error(f"check failed: {check}")
    for error in result.errors:
        print(f"closedloop: {error}", file=sys.stderr)
    for warning in result.warnings:  # said once by each loading step, repeated here where the run ends
        log.warning(f"warning: {warning}")
    if result.skipped and not result.success:
        log.error(f"not built because of the failures above: {', '.join(result.skipped[:8])}"
                  f"{' ...' if len(result.skipped) > 8 else ''}")
    log.info(f"pipeline {'succeeded' if result.success else 'FAILED'} in {result.seconds:.1f}s")
    return 0 if result.success else 1


def cmd_summary(args: argparse.Namespace) -> int:
    """Print a one-screen summary of what the pipeline built."""
    from closedloop.core.summary import summary_text

    print(summary_text())
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the quarterly report (HTML and PDF) from the published marts (the last green build)."""
    from closedloop.core.builds import last_build
    from closedloop.core.serving import published_at, published_marts
    from closedloop.core.settings import load_settings
    from reports import build_report

    settings = load_settings()
    out = Path(args.out) if args.out else settings.home / "reports"
    serving = published_marts(settings)
    build = last_build(settings.home)
    if build is not None and not build.succeeded:
        logging.getLogger("closedloop.report").warning(
            f"the last build {build.headline()}; this report reads the marts published at "
            f"{published_at(serving) or '?'} ({serving})")
    files = build_report(args.quarter, out, serving)
    print(f"{files.html}\n{files.pdf}")
    return 0


def add_pipeline_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``demo-data``, ``ingest``, ``run``, ``summary`` and ``report``."""
    demo = sub.add_parser("demo-data", help="generate demo exports (Zendesk, Jira, QA) with ground truth")
    demo.add_argument("--out", required=True, help="output folder")
    demo.add_argument("--tickets", type=positive_int, default=20_000, help="resolved tickets (default 20000)")
    demo.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    demo.add_argument("--start", type=date.fromisoformat, default=date(2024, 1, 1), help="first day, YYYY-MM-DD")
    demo.add_argument("--quarters", type=positive_int, default=8, help="number of quarters (default 8)")
    demo.add_argument("--relabel-references", type=float, default=0.0, metavar="RATE",
                      help="share of support-driven items whose explicit references point to another theme's "
                           "tickets (a noisier tracker; default 0)")
    demo.set_defaults(func=cmd_demo_data)

    ingest = sub.add_parser("ingest", help="load exports into the raw tables (no Dagster)")
    ingest.add_argument("--data", help="export folder (default $CLOSEDLOOP_DATA or $CLOSEDLOOP_HOME/demo)")
    ingest.set_defaults(func=cmd_ingest)

    run = sub.add_parser("run", help="run the whole pipeline (every Dagster asset)")
    run.add_argument("--data", help="export folder (default $CLOSEDLOOP_DATA or $CLOSEDLOOP_HOME/demo)")
    run.add_argument("--select", default="*", help="Dagster asset selection (default '*')")
    run.set_defaults(func=cmd_run)

    summ = sub.add_parser("summary", help="what the pipeline built and where to look next")
    summ.set_defaults(func=cmd_summary)

    report = sub.add_parser("report", help="quarterly leadership report (HTML and PDF) from the published marts")
    report.add_argument("--quarter", required=True, help="quarter to report, e.g. 2025Q4")
    report.add_argument("--out", help="output folder (default $CLOSEDLOOP_HOME/reports)")
    report.set_defaults(func=cmd_report)
