"""The shared PostgreSQL warehouse: where it is, and bulk copies between it and DuckDB.

Selected by ``$CLOSEDLOOP_WAREHOUSE_URL=postgresql://user@host:port/dbname``; fields the URL
leaves out come from ``$CLOSEDLOOP_PG_HOST``, ``_PORT``, ``_USER``, ``_DBNAME``, and the password
from ``$CLOSEDLOOP_PG_PASSWORD`` (or the URL). Nothing here is imported on the DuckDB path.

DuckDB stays the in-process engine of the Python steps (parsing, redaction, merges, embedding
cache): they work on the local DuckDB file as before, and :func:`push_tables` copies the tables
they own (``raw``, ``topics``, ``review``) to PostgreSQL afterwards, each table replaced in one
transaction (readers see the old rows or the new, never half). :func:`pull_tables` copies the
other way (the marts into the serving file; the Python schemas onto a fresh machine). Both move
Arrow record batches through ``COPY ... (FORMAT csv)``, never row by row.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import duckdb
import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv

from closedloop.core.errors import ClosedloopError

BATCH_ROWS = 50_000
"""Rows per Arrow batch sent through one COPY write (bounded memory for millions of rows)."""
APPEND_ONLY = {"topics.embedding_cache": "created_at"}
"""Tables whose rows are only ever added, with the column that orders them: a push sends the rows
newer than PostgreSQL's newest instead of the whole table (the cache holds a vector per text)."""

_DUCK_TO_PG = {"VARCHAR": "text", "BIGINT": "bigint", "INTEGER": "integer", "SMALLINT": "smallint",
               "DOUBLE": "double precision", "FLOAT": "real", "BOOLEAN": "boolean", "DATE": "date",
               "TIMESTAMP": "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamptz", "HUGEINT": "numeric",
               "JSON": "text", "UUID": "uuid", "TIME": "time"}
_PG_TO_DUCK = {"text": "VARCHAR", "character varying": "VARCHAR", "bigint": "BIGINT", "integer": "INTEGER",
               "smallint": "SMALLINT", "double precision": "DOUBLE", "real": "FLOAT", "boolean": "BOOLEAN",
               "date": "DATE", "timestamp without time zone": "TIMESTAMP", "numeric": "DOUBLE",
               "timestamp with time zone": "TIMESTAMPTZ", "uuid": "UUID", "jsonb": "VARCHAR", "json": "VARCHAR",
               "time without time zone": "TIME", "_float4": "FLOAT[]", "_float8": "DOUBLE[]", "_text": "VARCHAR[]",
               "_int4": "INTEGER[]", "_int8": "BIGINT[]"}

DAGSTER_POSTGRES_YAML = """# Runs, event logs and schedules in PostgreSQL ($CLOSEDLOOP_DAGSTER_STORAGE_URL, read when
# the instance loads; dagster-postgres), so a webserver and a daemon on other machines share them.
# Runs submitted from the UI, sensors and schedules queue and start when the daemon has room
# (one at a time: `concurrency: runs` above).
storage:
  postgres:
    postgres_url:
      env: CLOSEDLOOP_DAGSTER_SQLALCHEMY_URL
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
"""
"""Added to ``dagster.yaml`` with ``$CLOSEDLOOP_DAGSTER_STORAGE_URL`` (exported as
:func:`dagster_storage_url`; Dagster's instance reference: https://docs.dagster.io/deployment/oss/dagster-yaml,
``storage: postgres`` and ``run_coordinator``).
The daemon starts one queued run at a time (``concurrency: runs: max_concurrent_runs: 1``, written
before this by :func:`closedloop.core.dagster_yaml.write_dagster_yaml`): each run holds the
warehouse's run lock (:mod:`closedloop.core.lock`) from start to end, so a second run started beside
it would be refused; queued, it waits and then succeeds. Within a run, writers still take one
warehouse slot at a time (the ``closedloop_warehouse`` pool of ``concurrency: pools``)."""


def dagster_storage_url(url: str) -> str:
    """``url`` with the driver dagster-postgres is written for (psycopg2): ``postgresql+psycopg2://``.

    SQLAlchemy 2.1 opens a bare ``postgresql://`` with psycopg 3, whose server-side parameters
    dagster-postgres's SQL does not take.
    """
    scheme, sep, rest = url.partition("://")
    return f"postgresql+psycopg2://{rest}" if sep and scheme in ("postgresql", "postgres") else url


@dataclass(frozen=True)
class PgTarget:
    """Where the PostgreSQL warehouse is (the password is never printed)."""

    host: str
    port: int
    user: str
    dbname: str
    password: str | None = field(default=None, repr=False)

    def connect(self) -> psycopg.Connection[tuple[object, ...]]:
        """A new connection with UTC session time."""
        try:
            con = psycopg.connect(host=self.host, port=self.port, user=self.user, dbname=self.dbname,
                                  password=self.password, options="-c TimeZone=UTC")
        except psycopg.OperationalError as exc:
            raise ClosedloopError(f"cannot reach the PostgreSQL warehouse {self}: {exc}".strip()) from exc
        return con

    def __str__(self) -> str:
        """``postgresql://user@host:port/dbname``, without the password."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.dbname}"

    def dbt_env(self) -> dict[str, str]:
        """The environment ``dbt_project/profiles.yml`` reads for its ``postgres`` target, and the reader role.

        Raises:
            ClosedloopError: ``$CLOSEDLOOP_WAREHOUSE_READER_ROLE`` is not a plain lower-case identifier.
        """
        env = {"CLOSEDLOOP_DBT_TARGET": "postgres", "CLOSEDLOOP_PG_HOST": self.host,
               "CLOSEDLOOP_PG_PORT": str(self.port), "CLOSEDLOOP_PG_USER": self.user,
               "CLOSEDLOOP_PG_DBNAME": self.dbname}
        if self.password is not None:
            env["CLOSEDLOOP_PG_PASSWORD"] = self.password
        from closedloop.core.pg_roles import READER_ROLE_VAR, reader_role_from_env

        if role := reader_role_from_env():  # checked here: dbt writes it unquoted into its GRANTs
            env[READER_ROLE_VAR] = role
        return env


def target_from_env(environ: dict[str, str] | None = None) -> PgTarget | None:
    """The configured PostgreSQL warehouse, or None when ``$CLOSEDLOOP_WAREHOUSE_URL`` is unset (DuckDB).

    Raises:
        ClosedloopError: The URL is not a ``postgresql://`` URL or its port is not a number.
    """
    env = os.environ if environ is None else environ
    url = env.get("CLOSEDLOOP_WAREHOUSE_URL", "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise ClosedloopError(f"CLOSEDLOOP_WAREHOUSE_URL must start with postgresql://, got {parts.scheme!r}://...")
    try:
        port = parts.port or int(env.get("CLOSEDLOOP_PG_PORT") or 5432)
    except ValueError as exc:
        raise ClosedloopError("CLOSEDLOOP_WAREHOUSE_URL or CLOSEDLOOP_PG_PORT has a port that is not a number") \
            from exc
    password = unquote(parts.password) if parts.password else env.get("CLOSEDLOOP_PG_PASSWORD")
    return PgTarget(host=parts.hostname or env.get("CLOSEDLOOP_PG_HOST") or "127.0.0.1", port=port,
                    user=unquote(parts.username or "") or env.get("CLOSEDLOOP_PG_USER") or "closedloop",
                    dbname=parts.path.lstrip("/") or env.get("CLOSEDLOOP_PG_DBNAME") or "closedloop",
                    password=password or None)


def _ident(*names: str) -> str:
    return ".".join('"' + n.replace('"', '""') + '"' for n in names)


def _pg_type(duck_type: str) -> str:
    if duck_type.endswith("[]"):
        return _pg_type(duck_type[:-2]) + "[]"
    if duck_type.startswith("DECIMAL"):
        return "numeric" + duck_type[len("DECIMAL"):]
    return _DUCK_TO_PG.get(duck_type, "text")


def _as_text(column: str, duck_type: str) -> str:
    """DuckDB expression giving the column's COPY text (lists as PostgreSQL array literals)."""
    quoted = _ident(column)
    if duck_type.endswith("[]"):
        return f"case when {quoted} is null then null else '{{' || array_to_string({quoted}, ',') || '}}' end"
    if duck_type in _DUCK_TO_PG or duck_type.startswith("DECIMAL"):
        return f"cast({quoted} as varchar)"
    return f"cast(to_json({quoted}) as varchar)"


def _csv_batches(reader: pa.RecordBatchReader) -> Iterator[bytes]:
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    for batch in reader:
        if batch.num_rows:
            buffer = io.BytesIO()
            pacsv.write_csv(batch, buffer, options)
            yield buffer.getvalue()


def duck_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    """``(name, DuckDB type)`` of a ``schema.table`` in DuckDB, in column order (empty when missing)."""
    schema, name = table.split(".", 1)
    return [(r[0], r[1]) for r in con.execute(
        "select column_name, data_type from information_schema.columns where table_schema = ? and table_name = ? "
        "and table_catalog = current_database() order by ordinal_position", [schema, name]).fetchall()]


def _pg_columns(pg: psycopg.Connection[tuple[object, ...]], table: str) -> list[tuple[str, str]]:
    schema, name = table.split(".", 1)
    rows = pg.execute("select column_name, case when data_type = 'ARRAY' then udt_name else data_type end "
                      "from information_schema.columns where table_schema = %s and table_name = %s "
                      "order by ordinal_position", (schema, name)).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def push_tables(con: duckdb.DuckDBPyConnection, target: PgTarget, tables: Sequence[str]) -> dict[str, int]:
    """Replace each ``schema.table`` in PostgreSQL by its rows in DuckDB; one transaction per table.

    A table whose columns are unchanged is truncated and refilled, so the dbt views over it stay;
    a new or changed table is (re)created.

    Returns:
        Rows copied per table.
    """
    copied: dict[str, int] = {}
    with target.connect() as pg:
        for table in tables:
            columns = duck_columns(con, table)
            if not columns:
                continue
            with pg.transaction():
                copied[table] = _push_one(con, pg, table, columns)
    return copied


def _push_one(con: duckdb.DuckDBPyConnection, pg: psycopg.Connection[tuple[object, ...]], table: str,
              columns: list[tuple[str, str]]) -> int:
    schema, name = table.split(".", 1)
    wanted = [(c, _pg_type(t)) for c, t in columns]
    pg.execute(f"create schema if not exists {_ident(schema)}")
    existing = _pg_columns(pg, table)
    where = ""
    if [c for c, _ in existing] != [c for c, _ in wanted]:
        pg.execute(f"drop table if exists {_ident(schema, name)} cascade")
        pg.execute(f"create table {_ident(schema, name)} ("
                   + ", ".join(f"{_ident(c)} {t}" for c, t in wanted) + ")")
    elif table in APPEND_ONLY:
        order = _ident(APPEND_ONLY[table])
        row = pg.execute(f"select cast(max({order}) as text) from {_ident(schema, name)}").fetchone()
        where = f" where {order} > cast('{row[0]}' as timestamp)" if row and row[0] else ""
    else:
        pg.execute(f"truncate {_ident(schema, name)}")
    select = ", ".join(f"{_as_text(c, t)} as {_ident(c)}" for c, t in columns)
    reader = con.sql(f"select {select} from {_ident(schema, name)}{where}").to_arrow_reader(BATCH_ROWS)
    with pg.cursor() as cursor, cursor.copy(f"copy {_ident(schema, name)} from stdin (format csv)") as copy:
        for chunk in _csv_batches(reader):
            copy.write(chunk.replace(b"\x00", b""))
    pg.execute(f"analyze {_ident(schema, name)}")  # the planner's row counts for the dbt build that reads it
    row = pg.execute(f"select count(*) from {_ident(schema, name)}").fetchone()
    return int(str(row[0])) if row else 0


def pg_tables(target: PgTarget, schema: str) -> list[str]:
    """``schema.table`` of every table of a PostgreSQL schema, by name."""
    with target.connect() as pg:
        rows = pg.execute("select table_name from information_schema.tables where table_schema = %s "
                          "order by table_name", (schema,)).fetchall()
    return [f"{schema}.{r[0]}" for r in rows]


@contextmanager
def _pg_session(target: PgTarget) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    with target.connect() as pg:
        yield pg


def pull_tables(con: duckdb.DuckDBPyConnection, target: PgTarget, tables: Sequence[str],
                replace: bool = True) -> dict[str, int]:
    """Copy each ``schema.table`` of PostgreSQL into DuckDB, with DuckDB's types.

    Args:
        con: DuckDB connection written to.
        target: The PostgreSQL warehouse read.
        tables: Tables to copy.
        replace: Recreate each table from PostgreSQL's columns; otherwise a table that exists in
            DuckDB keeps its definition (keys, defaults) and gets the rows by column name.

    Returns:
        Rows copied per table.
    """
    copied: dict[str, int] = {}
    with _pg_session(target) as pg:
        for table in tables:
            columns = _pg_columns(pg, table)
            if columns:
                copied[table] = _pull_one(con, pg, table, columns, replace)
    return copied


def _duck_cast(column: str, pg_type: str) -> str:
    duck = _PG_TO_DUCK.get(pg_type, "VARCHAR")
    quoted = _ident(column)
    if duck.endswith("[]"):
        return f"cast('[' || {quoted}[2:-2] || ']' as {duck})"
    return f"cast({quoted} as {duck})"


def _pull_one(con: duckdb.DuckDBPyConnection, pg: psycopg.Connection[tuple[object, ...]], table: str,
              columns: list[tuple[str, str]], replace: bool) -> int:
    schema, name = table.split(".", 1)
    buffer = io.BytesIO()
    with pg.cursor() as cursor, cursor.copy(f"copy {_ident(schema, name)} to stdout (format csv)") as copy:
        for chunk in copy:
            buffer.write(chunk)
    names = [c for c, _ in columns]
    strings = pa.schema([(c, pa.string()) for c in names])
    arrow = strings.empty_table() if not buffer.tell() else pacsv.read_csv(
        io.BytesIO(buffer.getvalue()),
        read_options=pacsv.ReadOptions(column_names=names, autogenerate_column_names=False),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                             strings_can_be_null=True, quoted_strings_can_be_null=False))
    select = ", ".join(f"{_duck_cast(c, t)} as {_ident(c)}" for c, t in columns)
    con.execute(f"create schema if not exists {_ident(schema)}")
    con.register("pulled_rows", arrow)
    try:
        if replace or not duck_columns(con, table):
            con.execute(f"create or replace table {_ident(schema, name)} as select {select} from pulled_rows")
        else:
            con.execute(f"delete from {_ident(schema, name)}")
            con.execute(f"insert into {_ident(schema, name)} by name select {select} from pulled_rows")
    finally:
        con.unregister("pulled_rows")
    return int(arrow.num_rows)


def sample_query(target: PgTarget, sql: str, limit: int,
                 cell: Callable[[object], str]) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Columns and the first ``limit`` rows of a query, read-only; empty when it cannot run."""
    try:
        with target.connect() as pg:
            pg.read_only = True
            cursor = pg.execute(f"select * from ({sql.strip().rstrip(';')}) as failing limit {int(limit)}")
            columns = tuple(str(d.name) for d in cursor.description or ())
            return columns, tuple(tuple(cell(v) for v in row) for row in cursor.fetchall())
    except (psycopg.Error, ClosedloopError):
        return (), ()
