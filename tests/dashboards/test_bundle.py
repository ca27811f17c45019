"""The committed YAML bundle is what the spec says, and every reference in it resolves."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from dashboards import build
from dashboards.build import BUNDLE_DIR, URI_PLACEHOLDER
from dashboards.spec import DASHBOARDS, FILTER_COLUMNS
from dashboards.sync import render_bundle


def _load(folder: str) -> list[dict[str, Any]]:
    return [yaml.safe_load(p.read_text()) for p in sorted((BUNDLE_DIR / folder).rglob("*.yaml"))]


def test_regenerating_the_bundle_from_the_spec_reproduces_the_committed_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    committed_columns = {d["table_name"]: [(c["column_name"], c["type"]) for c in d["columns"]]
                         for d in _load("datasets")}
    monkeypatch.setattr(build, "dataset_columns", lambda warehouse: committed_columns)
    build.build_bundle(tmp_path / "unused.duckdb", tmp_path / "bundle")
    fresh = {p.relative_to(tmp_path / "bundle"): p.read_text() for p in (tmp_path / "bundle").rglob("*.yaml")}
    committed = {p.relative_to(BUNDLE_DIR): p.read_text() for p in BUNDLE_DIR.rglob("*.yaml")}
    assert fresh == committed, "dashboards/bundle is stale: run python -m dashboards.build --warehouse ..."


def test_every_chart_uses_metrics_and_columns_its_dataset_has() -> None:
    datasets = {d["uuid"]: d for d in _load("datasets")}
    problems = []
    for chart in _load("charts"):
        dataset = datasets[chart["dataset_uuid"]]
        metrics = {m["metric_name"] for m in dataset["metrics"]}
        columns = {c["column_name"] for c in dataset["columns"]}
        params = chart["params"]
        used_metrics = set(params.get("metrics") or []) | ({params["metric"]} if params.get("metric") else set())
        used_columns = set(params.get("groupby") or []) | set(params.get("all_columns") or [])
        used_columns |= {params["x_axis"]} if params.get("x_axis") else set()
        problems += [f"{chart['slice_name']}: metric {m}" for m in used_metrics - metrics]
        problems += [f"{chart['slice_name']}: column {c}" for c in used_columns - columns]
    assert problems == []


def test_each_dashboard_places_all_its_charts_and_filters_date_channel_language_and_tier() -> None:
    charts = {c["uuid"] for c in _load("charts")}
    for dashboard in _load("dashboards"):
        placed = {v["meta"]["uuid"] for v in dashboard["position"].values()
                  if isinstance(v, dict) and v.get("type") == "CHART"}
        assert placed <= charts
        spec = next(d for d in DASHBOARDS if d.slug == dashboard["slug"])
        assert len(placed) == sum(len(row) for row in spec.rows)
        filters = dashboard["metadata"]["native_filter_configuration"]
        assert {f["filterType"] for f in filters} == {"filter_time", "filter_select"}
        targeted = {t["column"]["name"] for f in filters for t in f["targets"] if t}
        assert set(FILTER_COLUMNS) <= targeted


def test_the_rendered_bundle_points_the_database_at_the_serving_warehouse(tmp_path: Path) -> None:
    serving = tmp_path / "serving" / "closedloop.duckdb"
    bundle = render_bundle(serving, tmp_path / "bundle.zip")
    with zipfile.ZipFile(bundle) as archive:
        database = yaml.safe_load(archive.read("closedloop_dashboards/databases/closedloop.yaml"))
        assert "closedloop_dashboards/metadata.yaml" in archive.namelist()
    assert database["sqlalchemy_uri"] == f"duckdb:///{serving.resolve()}"
    connect_args = database["extra"]["engine_params"]["connect_args"]
    assert connect_args["read_only"] is True
    assert connect_args["config"]["enable_external_access"] is False
    assert connect_args["config"]["lock_configuration"] is True
    assert URI_PLACEHOLDER in (BUNDLE_DIR / "databases" / "closedloop.yaml").read_text()
    assert json.dumps(database["extra"])  # stays JSON-serialisable for Superset's import


def test_every_dashboard_splits_by_feedback_source_on_the_charts_whose_dataset_has_it() -> None:
    datasets = {d["uuid"]: {c["column_name"] for c in d["columns"]} for d in _load("datasets")}
    charts = {c["uuid"]: c["dataset_uuid"] for c in _load("charts")}
    for dashboard in _load("dashboards"):
        source = next(f for f in dashboard["metadata"]["native_filter_configuration"] if f["name"] == "Source")
        assert [t["column"]["name"] for t in source["targets"]] == ["source_name"]
        assert "source_name" in datasets[source["targets"][0]["datasetUuid"]]
        placed = {v["meta"]["chartId"]: v["meta"]["uuid"] for v in dashboard["position"].values()
                  if isinstance(v, dict) and v.get("type") == "CHART"}
        scoped = {uuid for chart_id, uuid in placed.items() if chart_id not in source["scope"]["excluded"]}
        assert scoped == {uuid for uuid in placed.values() if "source_name" in datasets[charts[uuid]]}
        assert scoped, dashboard["slug"]
