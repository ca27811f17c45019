"""``closedloop link calibrate`` on the demo's reviewed links, and the pipeline's dbt build reading its coefficients.

Runs on the suite's shared demo pipeline (1,500 tickets, seed 3; real themes, real dbt build). The
demo has no reviews of its own: a seeded half of its candidate (theme, item) pairs is decided by
the planted truth, as a reviewer who knew the answer would decide them, and written as a decisions
CSV. The refitted coefficients then go through a real ``dbt build`` of the link models on a copy of
the warehouse, with the vars the pipeline's dbt asset passes (``calibrated_vars``).
"""

from __future__ import annotations

import csv
import json
import random
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from closedloop.demo.link_truth import evaluate_links, pair_labels
from closedloop.review.calibrate import calibrated_vars, config_path

QUALITY_TOLERANCE = 0.02
"""The refit must reach the shipped coefficients' link precision and recall within this."""


def _copy_home(demo_pipeline: dict[str, Any], tmp_path: Path) -> Path:
    home = tmp_path / "state"
    home.mkdir()
    shutil.copyfile(demo_pipeline["home"] / "warehouse.duckdb", home / "warehouse.duckdb")
    return home


def _decisions(warehouse: Path, demo: Path, out: Path, share: float) -> Path:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        labels = pair_labels(con, demo)
    draw = random.Random(0)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["item_id", "theme_id", "decision", "reviewer"])
        for theme_id, item_id, driving in sorted(labels):
            if draw.random() < share:
                writer.writerow([item_id, theme_id, "confirmed" if driving else "rejected", "demo truth"])
    return out


@pytest.mark.usefixtures("dbt_manifest")
def test_refit_on_the_demos_reviewed_links_matches_the_shipped_link_quality(
        demo_pipeline: dict[str, Any], run_closedloop, dbt_build, tmp_path: Path) -> None:
    home = _copy_home(demo_pipeline, tmp_path)
    reviews = _decisions(home / "warehouse.duckdb", demo_pipeline["data"], tmp_path / "reviews.csv", 0.5)
    done = run_closedloop("link", "calibrate", "--reviews", str(reviews), home=home)
    assert done.returncode == 0, done.stderr
    output = done.stdout + done.stderr
    assert "leave-one-quarter-out at threshold 0.1" in output
    assert "coefficients written to" in output
    written = calibrated_vars(home)
    assert set(written) == {"link_confidence", "link_confidence_without_components"}
    assert written["link_confidence"]["rise_z"] == 0.0
    assert "component_fix_rate" not in written["link_confidence_without_components"]
    dbt_build(home / "warehouse.duckdb", tmp_path, "--select", "int_theme_backlog_links_scored+",
              "--vars", json.dumps(written))
    shipped = evaluate_links(demo_pipeline["home"] / "warehouse.duckdb", demo_pipeline["data"])
    refit = evaluate_links(home / "warehouse.duckdb", demo_pipeline["data"])
    assert refit.precision >= shipped.precision - QUALITY_TOLERANCE, (refit, shipped)
    assert refit.recall >= shipped.recall - QUALITY_TOLERANCE, (refit, shipped)


def test_too_few_reviews_are_refused_and_the_shipped_coefficients_stay(
        demo_pipeline: dict[str, Any], run_closedloop, tmp_path: Path) -> None:
    home = _copy_home(demo_pipeline, tmp_path)
    reviews = _decisions(home / "warehouse.duckdb", demo_pipeline["data"], tmp_path / "reviews.csv", 0.02)
    done = run_closedloop("link", "calibrate", "--reviews", str(reviews), home=home)
    assert done.returncode == 2
    assert "not enough reviewed links to refit" in done.stderr
    assert "The shipped coefficients stay in use" in done.stderr
    assert not config_path(home).exists()
    assert calibrated_vars(home) == {}


def test_a_decision_that_is_neither_confirmed_nor_rejected_is_named_with_file_row_and_field(
        demo_pipeline: dict[str, Any], run_closedloop, tmp_path: Path) -> None:
    home = _copy_home(demo_pipeline, tmp_path)
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("item_id,theme_id,decision\nEX-1,T0001,confirmed\nEX-2,T0001,maybe\n", encoding="utf-8")
    done = run_closedloop("link", "calibrate", "--reviews", str(reviews), home=home)
    assert done.returncode == 2
    assert f"{reviews}, row 3, field decision: 'maybe' is not confirmed or rejected" in done.stderr
