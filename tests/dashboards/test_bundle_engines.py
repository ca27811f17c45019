"""The bundle's database entry and datasets rendered for the serving DuckDB copy or for PostgreSQL (no Superset)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from closedloop.core.errors import ClosedloopError
from dashboards.datasets import DATASETS, THEME_EXAMPLES
from dashboards.sync import DATABASE_FILE, render_bundle, superset_database

PG = {"CLOSEDLOOP_SUPERSET_WAREHOUSE_URL": "postgresql://bi_reader@db.internal:5433/closedloop",
      "CLOSEDLOOP_SUPERSET_WAREHOUSE_PASSWORD": "s3cret-reader-password"}


def _render(tmp_path: Path, environ: dict[str, str]) -> dict[str, Any]:
    serving = tmp_path / "serving" / "closedloop.duckdb"
    bundle = render_bundle(serving, tmp_path / "bundle.zip", database=superset_database(serving, environ))
    with zipfile.ZipFile(bundle) as archive:
        return {name.split("/", 1)[1]: archive.read(name).decode() for name in archive.namelist()}


def test_without_a_postgresql_url_superset_reads_the_serving_file_read_only(tmp_path: Path) -> None:
    files = _render(tmp_path, {})
    database = yaml.safe_load(files[DATABASE_FILE])
    assert database["sqlalchemy_uri"] == f"duckdb:///{(tmp_path / 'serving' / 'closedloop.duckdb').resolve()}"
    assert database["extra"]["engine_params"]["connect_args"]["read_only"] is True
    examples = yaml.safe_load(files[f"datasets/closedloop/{THEME_EXAMPLES.name}.yaml"])
    assert examples["sql"] == THEME_EXAMPLES.sql
    assert superset_database(tmp_path / "x.duckdb", {}).import_passwords() == {}


def test_with_a_postgresql_url_superset_reads_the_marts_as_the_reader_without_duckdb_settings(tmp_path: Path) -> None:
    files = _render(tmp_path, PG)
    database = yaml.safe_load(files[DATABASE_FILE])
    assert database["sqlalchemy_uri"] == "postgresql+psycopg2://bi_reader@db.internal:5433/closedloop"
    assert "connect_args" not in database["extra"]["engine_params"]
    assert database["allow_dml"] is False
    assert json.dumps(database["extra"])  # stays JSON-serialisable for Superset's import
    assert all(PG["CLOSEDLOOP_SUPERSET_WAREHOUSE_PASSWORD"] not in text for text in files.values())
    assert superset_database(tmp_path / "x.duckdb", PG).import_passwords() == {
        DATABASE_FILE: PG["CLOSEDLOOP_SUPERSET_WAREHOUSE_PASSWORD"]}


def test_on_postgresql_each_dataset_gets_its_postgresql_query_and_keeps_everything_else(tmp_path: Path) -> None:
    duck, pg = _render(tmp_path / "duck", {}), _render(tmp_path / "pg", PG)
    for dataset in DATASETS:
        name = f"datasets/closedloop/{dataset.name}.yaml"
        on_duck, on_pg = yaml.safe_load(duck[name]), yaml.safe_load(pg[name])
        assert on_pg["sql"] == dataset.sql_for("postgresql")
        assert {k: v for k, v in on_pg.items() if k != "sql"} == {k: v for k, v in on_duck.items() if k != "sql"}
    examples = yaml.safe_load(pg[f"datasets/closedloop/{THEME_EXAMPLES.name}.yaml"])
    assert "jsonb_array_elements_text" in examples["sql"]
    assert {n for n in duck if not n.startswith(("datasets/", "databases/"))} == \
        {n for n in pg if not n.startswith(("datasets/", "databases/"))}
    assert all(duck[n] == pg[n] for n in duck if not n.startswith(("datasets/", "databases/")))


def test_no_dataset_query_or_metric_uses_duckdb_only_sql_unless_it_has_a_postgresql_query() -> None:
    duckdb_only = ("quantile_cont", "json(", "::", "interval 28", "varchar[]")
    for dataset in DATASETS:
        texts = [dataset.sql_for("postgresql").lower(), *(m.sql.lower() for m in dataset.metrics)]
        assert [t for t in texts for word in duckdb_only if word in t] == [], dataset.name


@pytest.mark.parametrize(("url", "message"), [
    ("postgresql://bi_reader:inline@db:5432/closedloop", "holds a password: put it in"),
    ("mysql://bi_reader@db:3306/closedloop", "must start with postgresql://"),
    ("postgresql://db:5432/closedloop", "must name the reader role, the host and the database"),
    ("postgresql://bi_reader@db:5432/", "must name the reader role, the host and the database"),
    ("postgresql://bi_reader@db:port/closedloop", "port that is not a number"),
], ids=["password in the url", "not postgresql", "no user", "no database", "bad port"])
def test_a_wrong_postgresql_url_for_superset_is_refused_naming_the_variable(url: str, message: str) -> None:
    with pytest.raises(ClosedloopError, match="CLOSEDLOOP_SUPERSET_WAREHOUSE_URL") as refused:
        superset_database(Path("unused.duckdb"), {"CLOSEDLOOP_SUPERSET_WAREHOUSE_URL": url})
    assert message in str(refused.value)
    assert "inline" not in str(refused.value)
