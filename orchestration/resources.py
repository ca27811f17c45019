"""The resource every closedloop asset shares: where the warehouse and the exports are."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from closedloop.core import lock
from closedloop.core.settings import load_settings, prepare_environment
from closedloop.core.warehouse import connect, mirror_tables, schema_tables, shared_warehouse

WAREHOUSE_POOL = "closedloop_warehouse"
"""Dagster concurrency pool of every asset that writes the warehouse: the instance's ``dagster.yaml`` limits
each pool to one step at a time (``concurrency: pools: default_limit: 1``), so runs from the sensor, the
schedules and the UI queue for the warehouse instead of failing on DuckDB's single-writer lock."""

READ_ONLY_ASSETS = frozenset({"quarterly_report"})
"""Assets that only read the marts: a run of nothing else needs no run lock."""


class ClosedloopResource(dg.ConfigurableResource):
    """Locations of the warehouse and the export folder.

    Attributes:
        warehouse: DuckDB warehouse file.
        data_dir: Folder with the exports to ingest.
    """

    warehouse: str
    data_dir: str
    inbox_dir: str = ""

    _locked: bool = PrivateAttr(default=False)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Before a run: create the state folders, export what dbt and Dagster read, take the run lock.

        A run that only reads the marts (the quarterly report) does not take the lock.

        Raises:
            RunInProgressError: Another process is writing this warehouse.
        """
        settings = prepare_environment(load_settings())
        selection = context.run.asset_selection if context.run else None
        if selection and all(key.to_user_string() in READ_ONLY_ASSETS for key in selection):
            return
        lock.acquire(settings.home)
        self._locked = True
        restore_owned_schemas(settings.warehouse)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        """After a run: give the run lock back."""
        if self._locked:
            lock.release(load_settings().home)
            self._locked = False

    @property
    def warehouse_path(self) -> Path:
        """Warehouse as a Path."""
        return Path(self.warehouse)

    @property
    def data_path(self) -> Path:
        """Export folder as a Path."""
        return Path(self.data_dir)

    @property
    def export_folders(self) -> list[Path]:
        """The export folder, then the inbox (new exports dropped there are loaded too)."""
        folders = [Path(self.data_dir)]
        if self.inbox_dir and Path(self.inbox_dir).exists():
            folders.append(Path(self.inbox_dir))
        return folders


OWNED_SCHEMAS = ("raw", "topics", "review")
"""Schemas the Python steps write (ingest, themes and links, review decisions); dbt reads them."""


def restore_owned_schemas(warehouse: Path) -> dict[str, int]:
    """On a machine whose DuckDB file lacks the Python steps' schemas, copy them from the shared warehouse.

    A run on a new machine (or pod) against a shared PostgreSQL warehouse then merges new exports
    into the rows already loaded, and reuses the embedding cache, instead of starting empty. Nothing
    happens on the DuckDB warehouse.

    Returns:
        Rows copied per table.
    """
    if shared_warehouse() is None:
        return {}
    from closedloop.ingest.schema import create_all_sql
    from closedloop.review.store import ensure_review_schema
    from topics.store import ensure_schema

    with connect(warehouse) as con:
        missing = [schema for schema in OWNED_SCHEMAS if not schema_tables(con, [schema])]
        if not missing:
            return {}
        for statement in create_all_sql():
            con.execute(statement)
        ensure_schema(con)
        ensure_review_schema(con)
    return mirror_tables(warehouse, missing, replace=False)


def default_resource() -> ClosedloopResource:
    """The resource configured from the environment (see closedloop.core.settings)."""
    settings = load_settings()
    return ClosedloopResource(warehouse=str(settings.warehouse), data_dir=str(settings.data_dir),
                              inbox_dir=str(settings.inbox))
