"""The serving warehouse: a read-only copy of the marts that Superset reads.

Superset cannot open a DuckDB file another process holds for writing, and it must never see a
half-built mart. So after the marts build green (:func:`publish_green_build`; a failed ``dbt
build`` publishes nothing, see ``closedloop.core.builds``), :func:`publish_marts` copies the ``marts`` schema into a
new DuckDB file beside the serving file and swaps it in with one ``os.replace``: a reader opens
either the previous complete file or the new complete file, and a reader already connected keeps
reading the previous file (its open handle still points at it) until it reconnects.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from closedloop.core.builds import last_build
from closedloop.core.errors import ClosedloopError
from closedloop.core.settings import Settings

log = logging.getLogger("closedloop.publish")

SCHEMA = "marts"


class UnpublishedBuildError(ClosedloopError):
    """The last dbt build failed, so its marts are not published (the serving copy stays as it was)."""


class NoPublishedMartsError(ClosedloopError):
    """No serving copy exists yet: no build has passed since the state folder was created."""


@dataclass(frozen=True)
class PublishReport:
    """What :func:`publish_marts` wrote.

    Attributes:
        path: The serving file.
        tables: Rows per published table.
        seconds: Wall time.
    """

    path: Path
    tables: dict[str, int]
    seconds: float


def publish_marts(warehouse: Path, target: Path, schema: str = SCHEMA) -> PublishReport:
    """Copy every table and view of ``schema`` into ``target``, atomically.

    The copy is written to a temporary file in the same folder (same file system), checkpointed,
    closed, then renamed over ``target``.

    Args:
        warehouse: The pipeline's DuckDB warehouse.
        target: The serving file to (re)place.
        schema: Schema to publish; it keeps its name in the serving file.

    Raises:
        ClosedloopError: The warehouse is missing or has no such schema.
    """
    started = time.perf_counter()
    if not warehouse.exists():
        raise ClosedloopError(f"warehouse {warehouse} does not exist: run `closedloop run` first")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    tables: dict[str, int] = {}
    try:
        with duckdb.connect() as con:
            con.execute(f"attach '{_quote(warehouse)}' as source (read_only)")
            con.execute("use source")
            names = [row[0] for row in con.execute(
                "select table_name from information_schema.tables where table_catalog = 'source' "
                "and table_schema = ? order by table_name", [schema]).fetchall()]
            if not names:
                raise ClosedloopError(f"warehouse {warehouse} has no tables in schema {schema!r}: "
                                      "run the dbt marts first")
            con.execute(f"attach '{_quote(tmp)}' as serving_copy")
            con.execute(f'create schema serving_copy."{schema}"')
            for name in names:
                con.execute(f'create table serving_copy."{schema}"."{name}" as select * from "{schema}"."{name}"')
                row = con.execute(f'select count(*) from serving_copy."{schema}"."{name}"').fetchone()
                tables[name] = int(row[0]) if row else 0
            con.execute("create table serving_copy.main.published (published_at timestamp, source varchar)")
            con.execute("insert into serving_copy.main.published values (current_timestamp at time zone 'UTC', ?)",
                        [str(warehouse)])
            con.execute("checkpoint serving_copy")
            con.execute("detach serving_copy")
        tmp.replace(target)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    report = PublishReport(path=target, tables=tables, seconds=time.perf_counter() - started)
    log.info(f"serving warehouse: {len(tables)} tables, {sum(tables.values()):,} rows -> {target} "
             f"in {report.seconds:.1f}s")
    return report


def publish_green_build(settings: Settings, warehouse: Path | None = None) -> PublishReport:
    """Publish the warehouse's marts to the serving file, unless the last recorded dbt build failed.

    Args:
        settings: Where the build record (``settings.home``) and the serving file are.
        warehouse: The warehouse to publish; default ``settings.warehouse``.

    Raises:
        UnpublishedBuildError: The last dbt build failed; the serving file is left untouched.
        ClosedloopError: See :func:`publish_marts`.
    """
    build = last_build(settings.home)
    if build is not None and not build.succeeded:
        raise UnpublishedBuildError(f"not publishing the marts of {warehouse or settings.warehouse}: the last dbt "
                                    f"build {build.headline()}; run `closedloop run` once it is fixed")
    return publish_marts(warehouse or settings.warehouse, settings.serving_warehouse)


def published_marts(settings: Settings) -> Path:
    """The serving copy readers use (reports, dashboards): the marts of the last green build.

    Raises:
        NoPublishedMartsError: Nothing has been published yet; the message says why (the last
            build's failure when there was one) and what to run.
    """
    serving = settings.serving_warehouse
    if serving.exists():
        return serving
    build = last_build(settings.home)
    if build is not None and not build.succeeded:
        raise NoPublishedMartsError(f"no published marts yet: the last run failed at {build.finished_at} "
                                    f"({build.headline().split(': ', 1)[-1]}); fix it and run `closedloop run`")
    raise NoPublishedMartsError(f"no published marts yet at {serving}: run `closedloop run`")


def published_at(serving: Path) -> str | None:
    """When the serving copy was published (``YYYY-MM-DD HH:MM:SS UTC``), or None without one."""
    if not serving.exists():
        return None
    try:
        with duckdb.connect(str(serving), read_only=True) as con:
            row = con.execute("select strftime(max(published_at), '%Y-%m-%d %H:%M:%S') from main.published").fetchone()
    except duckdb.Error:
        return None
    return f"{row[0]} UTC" if row and row[0] else None


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
