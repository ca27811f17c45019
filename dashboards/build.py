"""Write the Superset YAML bundle (``dashboards/bundle/``) from :mod:`dashboards.spec`.

``python -m dashboards.build --warehouse state/serving/closedloop.duckdb`` regenerates it; the column
names and types of each dataset come from running its SQL (``DESCRIBE``) on that warehouse. UUIDs
are derived from names, so regenerating an unchanged spec gives byte-identical files. The database
URI stays a placeholder (``{serving_warehouse}``), filled in by :func:`dashboards.sync.render_bundle`.
"""

from __future__ import annotations

import argparse
import shutil
import uuid
from pathlib import Path
from typing import Any

import duckdb
import yaml

from dashboards.spec import DASHBOARDS, DATASETS, FILTER_COLUMNS, FILTER_LABELS, Chart, Dashboard, Dataset

BUNDLE_DIR = Path(__file__).resolve().parent / "bundle"
DATABASE_NAME = "closedloop"
URI_PLACEHOLDER = "duckdb:///{serving_warehouse}"
NAMESPACE = uuid.UUID("5f0c3e1a-6a55-4d0f-9b1e-0c1c05ed1009")
VERSION = "1.0.0"
NO_TIME_FILTER = {"clause": "WHERE", "subject": "date_day", "operator": "TEMPORAL_RANGE",
                  "comparator": "No filter", "expressionType": "SIMPLE"}


def stable_uuid(kind: str, name: str) -> str:
    """A UUID that depends only on the object's kind and name."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{name}"))


def slugify(text: str) -> str:
    """File-name-safe lower-case form of a title."""
    return "".join(c if c.isalnum() else "_" for c in text.lower()).strip("_")


# DuckDB settings of Superset's connection (https://duckdb.org/docs/stable/configuration/overview):
# no files but the serving copy (read_csv, COPY ... TO, ATTACH, INSTALL/LOAD all fail), and no SET
# that could turn that back on. duckdb-engine passes ``config`` to ``duckdb.connect``.
DUCKDB_CONFIG = {"enable_external_access": False, "autoinstall_known_extensions": False,
                 "autoload_known_extensions": False, "allow_community_extensions": False,
                 "lock_configuration": True}


def database_yaml() -> dict[str, Any]:
    """The DuckDB database, read-only and without external access (the URI placeholder is filled in at import)."""
    return {"database_name": DATABASE_NAME, "sqlalchemy_uri": URI_PLACEHOLDER, "cache_timeout": None,
            "expose_in_sqllab": False, "allow_run_async": False, "allow_ctas": False, "allow_cvas": False,
            "allow_dml": False, "allow_file_upload": False,
            "extra": {"engine_params": {"connect_args": {"read_only": True, "config": DUCKDB_CONFIG}},
                      "metadata_params": {}, "schemas_allowed_for_file_upload": []},
            "uuid": stable_uuid("database", DATABASE_NAME), "version": VERSION}


def dataset_yaml(dataset: Dataset, columns: list[tuple[str, str]]) -> dict[str, Any]:
    """A virtual dataset with its columns (name, DuckDB type) and saved metrics."""
    return {
        "table_name": dataset.name, "main_dttm_col": dataset.time_column, "description": dataset.description,
        "default_endpoint": None, "offset": 0, "cache_timeout": None, "schema": "marts", "catalog": None,
        "sql": dataset.sql, "params": None, "template_params": None, "filter_select_enabled": True,
        "fetch_values_predicate": None, "extra": None, "normalize_columns": False, "always_filter_main_dttm": False,
        "uuid": stable_uuid("dataset", dataset.name),
        "metrics": [{"metric_name": m.name, "verbose_name": m.label, "metric_type": None, "expression": m.sql,
                     "description": None, "d3format": m.d3format, "currency": None, "extra": {},
                     "warning_text": None} for m in dataset.metrics],
        "columns": [{"column_name": name, "verbose_name": None, "is_dttm": kind in {"DATE", "TIMESTAMP"},
                     "is_active": True, "type": kind, "advanced_data_type": None, "groupby": True,
                     "filterable": True, "expression": None, "description": None, "python_date_format": None,
                     "extra": {}} for name, kind in columns],
        "version": VERSION, "database_uuid": stable_uuid("database", DATABASE_NAME),
    }


def chart_yaml(chart: Chart, dashboard: Dashboard, dataset: Dataset) -> dict[str, Any]:
    """A chart; every chart on a dated dataset carries a TEMPORAL_RANGE filter the date filter fills."""
    filters: list[dict[str, Any]] = [NO_TIME_FILTER] if dataset.time_column else []
    if chart.where_true:
        filters.append({"clause": "WHERE", "subject": chart.where_true, "operator": "==", "comparator": True,
                        "expressionType": "SIMPLE"})
    params = {"viz_type": chart.viz_type, "adhoc_filters": filters,
              "time_range": "No filter", "color_scheme": "supersetColors", **chart.params}
    return {"slice_name": chart.title, "description": None, "certified_by": None, "certification_details": None,
            "viz_type": chart.viz_type, "params": params, "query_context": None, "cache_timeout": None,
            "uuid": chart_uuid(chart, dashboard), "version": VERSION,
            "dataset_uuid": stable_uuid("dataset", chart.dataset)}


def chart_uuid(chart: Chart, dashboard: Dashboard) -> str:
    """Charts are unique per dashboard and title."""
    return stable_uuid("chart", f"{dashboard.slug}/{chart.title}")


def dashboard_yaml(dashboard: Dashboard, datasets: dict[str, Dataset], columns: dict[str, set[str]]) -> dict[str, Any]:
    """A dashboard: grid layout, and native filters scoped to the charts whose dataset has the column."""
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
        "HEADER_ID": {"id": "HEADER_ID", "type": "HEADER", "meta": {"text": dashboard.title}},
    }
    chart_ids: dict[int, Chart] = {}
    for r, row in enumerate(dashboard.rows, start=1):
        row_id = f"ROW-{r}"
        position["GRID_ID"]["children"].append(row_id)
        position[row_id] = {"type": "ROW", "id": row_id, "children": [], "parents": ["ROOT_ID", "GRID_ID"],
                            "meta": {"background": "BACKGROUND_TRANSPARENT"}}
        for chart in row:
            chart_id = len(chart_ids) + 1
            chart_ids[chart_id] = chart
            key = f"CHART-{chart_id}"
            position[row_id]["children"].append(key)
            position[key] = {"type": "CHART", "id": key, "children": [], "parents": ["ROOT_ID", "GRID_ID", row_id],
                             "meta": {"width": chart.width, "height": chart.height, "chartId": chart_id,
                                      "uuid": chart_uuid(chart, dashboard), "sliceName": chart.title}}

    def excluded(column: str) -> list[int]:
        return [i for i, c in chart_ids.items() if column not in columns[c.dataset]]

    def select_filter(label: str, column: str, dataset: str) -> dict[str, Any]:
        return {"id": f"NATIVE_FILTER-{slugify(label)}", "name": label, "filterType": "filter_select",
                "type": "NATIVE_FILTER", "description": "",
                "targets": [{"column": {"name": column}, "datasetUuid": stable_uuid("dataset", dataset)}],
                "controlValues": {"enableEmptyFilter": False, "defaultToFirstItem": False, "multiSelect": True,
                                  "searchAllOptions": False, "inverseSelection": False},
                "defaultDataMask": {"extraFormData": {}, "filterState": {}, "ownState": {}},
                "cascadeParentIds": [], "scope": {"rootPath": ["ROOT_ID"], "excluded": excluded(column)}}

    used = {c.dataset for c in chart_ids.values()}
    source = next(name for name in ("cl_tickets", "cl_theme_tickets") if name in used)
    filters: list[dict[str, Any]] = [
        {"id": "NATIVE_FILTER-date_range", "name": "Date range", "filterType": "filter_time",
         "type": "NATIVE_FILTER", "description": "", "targets": [{}], "controlValues": {},
         "defaultDataMask": {"extraFormData": {}, "filterState": {}, "ownState": {}}, "cascadeParentIds": [],
         "scope": {"rootPath": ["ROOT_ID"], "excluded": excluded("date_day")}}]
    filters += [select_filter(FILTER_LABELS.get(column, column.capitalize()), column, source)
                for column in FILTER_COLUMNS]
    filters += [select_filter(label, column, dataset) for label, column, dataset in dashboard.extra_filters]
    parents = {f"NATIVE_FILTER-{slugify(child)}": f"NATIVE_FILTER-{slugify(parent)}"
               for child, parent in dashboard.filter_parents}
    for native in filters:
        native["cascadeParentIds"] = [parents[native["id"]]] if native["id"] in parents else []
    return {"dashboard_title": dashboard.title, "description": None, "css": "", "slug": dashboard.slug,
            "certified_by": None, "certification_details": None, "published": True,
            "uuid": stable_uuid("dashboard", dashboard.slug), "position": position,
            "metadata": {"native_filter_configuration": filters, "color_scheme": "supersetColors",
                         "refresh_frequency": 0, "expanded_slices": {}, "label_colors": {},
                         "timed_refresh_immune_slices": [], "cross_filters_enabled": False,
                         "default_filters": "{}", "chart_configuration": {}, "shared_label_colors": []},
            "version": VERSION}


def dataset_columns(warehouse: Path) -> dict[str, list[tuple[str, str]]]:
    """Each dataset's columns (name, type), from ``DESCRIBE`` of its SQL on ``warehouse`` (read-only)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {d.name: [(row[0], str(row[1])) for row in con.execute(f"describe {d.sql}").fetchall()]
                for d in DATASETS}


def build_bundle(warehouse: Path, out: Path = BUNDLE_DIR) -> list[Path]:
    """Write metadata.yaml, databases/, datasets/, charts/ and dashboards/ under ``out``.

    Args:
        warehouse: A DuckDB file with the ``marts`` schema, to read column types from.
        out: Bundle folder; replaced.
    """
    columns = dataset_columns(warehouse)
    datasets = {d.name: d for d in DATASETS}
    files: dict[str, dict[str, Any]] = {
        # "assets", not "Dashboard": Superset's dashboard import never overwrites existing charts,
        # datasets or databases; the assets import overwrites everything in the bundle.
        "metadata.yaml": {"version": VERSION, "type": "assets", "timestamp": "2025-01-01T00:00:00+00:00"},
        f"databases/{DATABASE_NAME}.yaml": database_yaml(),
    }
    for dataset in DATASETS:
        files[f"datasets/{DATABASE_NAME}/{dataset.name}.yaml"] = dataset_yaml(dataset, columns[dataset.name])
    names = {name: {c for c, _ in cols} for name, cols in columns.items()}
    for dashboard in DASHBOARDS:
        for row in dashboard.rows:
            for chart in row:
                files[f"charts/{dashboard.slug}/{slugify(chart.title)}.yaml"] = chart_yaml(
                    chart, dashboard, datasets[chart.dataset])
        files[f"dashboards/{dashboard.slug}.yaml"] = dashboard_yaml(dashboard, datasets, names)
    if out.exists():
        shutil.rmtree(out)
    written = []
    for relative, content in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True, width=120))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m dashboards.build --warehouse FILE [--out DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True, help="DuckDB file with the marts schema")
    parser.add_argument("--out", type=Path, default=BUNDLE_DIR, help="bundle folder (default dashboards/bundle)")
    args = parser.parse_args(argv)
    written = build_bundle(args.warehouse, args.out)
    print(f"wrote {len(written)} files to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
