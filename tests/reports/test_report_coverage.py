"""The quarterly report on an app-review export: no agent replies, no backlog, no CSAT, partial quarters.

Built by the real CLI (`closedloop run` on the generic connector, real themes, real dbt build, then
`closedloop report` for every quarter the export touches); PDFs read with poppler's pdftotext.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from review_export import DARK_MODE_SHIPPED, write_review_export

pytestmark = pytest.mark.slow
QUARTERS = ("2024Q1", "2024Q2", "2024Q3", "2024Q4")


def pdf_text(path: Path, layout: bool = False) -> str:
    """The PDF's text; without layout, whitespace collapsed so sentences read on one line."""
    text = subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text if layout else " ".join(text.split())


def summary(out: Path, quarter: str) -> str:
    """The HTML report's summary sentences, tags and footnote marks removed (the PDF breaks them around marks)."""
    html = (out / f"report-{quarter}.html").read_text(encoding="utf-8")
    part = html.split('id="summary"', 1)[1].split("</ul>", 1)[0]
    return " ".join(re.sub(r"<sup>.*?</sup>|<[^>]+>", " ", part).split()).replace(" .", ".").replace(" ,", ",")


def marts(home: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(home / "serving" / "closedloop.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def reviews(run_closedloop: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`closedloop run` on the review export, then `closedloop report` for 2024Q1 to 2024Q4."""
    root = tmp_path_factory.mktemp("reviews")
    home, data, out = root / "state", root / "data", root / "out"
    write_review_export(data)
    run = run_closedloop("run", "--data", str(data), home=home)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    reports = {q: run_closedloop("report", "--quarter", q, "--out", str(out), home=home) for q in QUARTERS}
    return {"home": home, "out": out, "reports": reports}


def test_every_quarter_the_export_touches_gets_a_whole_report(reviews: dict[str, Any]) -> None:
    for quarter, result in reviews["reports"].items():
        assert result.returncode == 0, quarter + result.stdout + result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        text = pdf_text(reviews["out"] / f"report-{quarter}.pdf", layout=True)
        footers = re.findall(r"page (\d+) of (\d+)", text)
        assert footers, quarter
        assert [int(n) for n, _ in footers] == list(range(1, int(footers[0][1]) + 1)), quarter
        assert (reviews["out"] / f"report-{quarter}.html").stat().st_size > 5_000


def test_sections_without_data_say_so_in_one_line_each(reviews: dict[str, Any]) -> None:
    for quarter in QUARTERS:
        said = summary(reviews["out"], quarter)
        assert (f"No ticket solved in {quarter} has a human first response in the data (the export holds no agent "
                "replies), so first response and the 10-minute SLA have no data.") in said
        assert f"No ticket solved in {quarter} was asked for feedback or rated" in said
        assert "No backlog item shipped in any quarter of the data (no backlog export was loaded)" in said
        assert f"No ticket solved in {quarter} went through the bot, so bot containment has no data." in said
        text = pdf_text(reviews["out"] / f"report-{quarter}.pdf")
        for fragment in ("has a human first response", "the export holds no agent replies", "asked for feedback or",
                         "no backlog export was loaded", "went through the bot"):
            assert fragment in text, (quarter, fragment)
        assert "within the 10-minute SLA" not in text


def test_no_change_is_shown_across_a_partly_covered_quarter(reviews: dict[str, Any]) -> None:
    home = reviews["home"]
    counts = dict(marts(home, "select quarter_key, tickets_resolved from marts.fct_support_quarterly"))
    assert marts(home, "select source_name, covered_from::varchar, covered_to::varchar from marts.dim_sources") == [
        ("reviews", "2024-02-15", "2024-11-08")]
    for quarter, previous in (("2024Q2", "2024Q1"), ("2024Q4", "2024Q3")):
        text = pdf_text(reviews["out"] / f"report-{quarter}.pdf")
        assert f"(not compared with {previous}: partial coverage" in summary(reviews["out"], quarter), quarter
        kpi = next(line for line in pdf_text(reviews["out"] / f"report-{quarter}.pdf", layout=True).splitlines()
                   if line.strip().startswith("Tickets resolved"))
        assert "not comparable" in kpi, kpi
        assert "%" not in kpi, kpi
        assert f"Themes are not compared with {previous}" in summary(reviews["out"], quarter)
        assert f"Not compared with {previous}:" in text
        assert "Rising" not in text.split("Rising and declining themes", 1)[1]
    assert "2024Q4 is only partly covered by the data (reviews: 2024-02-15 to 2024-11-08)" in summary(
        reviews["out"], "2024Q4")
    q3 = pdf_text(reviews["out"] / "report-2024Q3.pdf")
    change = 100 * (counts["2024Q3"] - counts["2024Q2"]) / counts["2024Q2"]
    assert f"Support resolved {counts['2024Q3']} tickets in 2024Q3 ({change:+.1f}% on 2024Q2" in summary(
        reviews["out"], "2024Q3")
    assert f"{change:+.1f}%" in q3
    assert "Declining" in q3
    assert "partly covered" not in q3


def test_a_theme_is_resolved_only_inside_its_sources_coverage(reviews: dict[str, Any]) -> None:
    """Dark-mode requests stop in September, two months before the export ends: resolved, and shown so."""
    home = reviews["home"]
    themes = marts(home, """
        select d.theme_name, d.status, d.last_seen_at, c.last_created_at
        from marts.dim_themes as d cross join marts.dim_sources as c order by d.theme_name""")
    resolved = [(name, last, end) for name, status, last, end in themes if status == "resolved"]
    assert resolved, themes
    for name, last, end in resolved:
        assert last < DARK_MODE_SHIPPED, (name, last)
        assert (end - last).days >= 28, (name, last, end)
    q3 = pdf_text(reviews["out"] / "report-2024Q3.pdf", layout=True)
    shown = set(re.findall(r"^\s+(\S.*?)\s{2,}(emerging|active|declining|resolved)\s{2,}\d", q3, flags=re.M))
    assert shown, q3
    assert shown <= {(name, status) for name, status, _, _ in themes}
    assert {(name, "resolved") for name, _, _ in resolved} <= shown


def test_with_several_sources_the_report_splits_by_source_and_compares_only_covered_quarters(
        reviews: dict[str, Any], tmp_path: Path) -> None:
    """Two apps, one ending in August. So that one pipeline run serves every test, the split is
    written by hand into a copy of the published marts (fct_tickets.source_name and dim_sources)."""
    from reports import build_report

    warehouse = tmp_path / "closedloop.duckdb"
    shutil.copyfile(reviews["home"] / "serving" / "closedloop.duckdb", warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update marts.fct_tickets set source_name = case when created_at < '2024-08-10' "
                    "and right(ticket_id, 1) in ('0', '2', '4', '6', '8') then 'ios' else 'android' end")
        con.execute("delete from marts.dim_sources")
        con.execute("insert into marts.dim_sources by name select source_name, 'review' as channels, "
                    "count(*) as tickets, count(*) as resolved_tickets, min(created_at) as first_created_at, "
                    "max(created_at) as last_created_at, min(created_date) as covered_from, "
                    "max(created_date) as covered_to, 7 as grace_days from marts.fct_tickets group by source_name")
        per_source = dict(con.execute("select source_name, count(*) from marts.fct_tickets where solved_date "
                                      ">= '2024-07-01' and solved_date < '2024-10-01' group by all").fetchall())
    files = build_report("2024Q3", tmp_path / "out", warehouse)
    text = pdf_text(files.pdf)
    assert "By source" in text
    assert f"ios {per_source['ios']} n/a 0" in text
    assert f"android {per_source['android']} n/a 0" in text
    assert "not comparable" in text
    assert "ios: 2024-02-15 to 2024-08-09" in text
    html = files.html.read_text(encoding="utf-8")
    assert "<td>ios</td>" in html.split('id="coverage"', 1)[1].split("<h2", 1)[0]


def test_a_figure_computed_from_a_defaulted_column_is_marked(reviews: dict[str, Any], tmp_path: Path) -> None:
    """A review export without answers would have its solved_at filled by rule; this export has them,
    so the loader's record (marts.dim_source_defaults) gets such a row by hand in a copy of the marts."""
    from reports import build_report

    warehouse = tmp_path / "closedloop.duckdb"
    shutil.copyfile(reviews["home"] / "serving" / "closedloop.duckdb", warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into marts.dim_source_defaults by name select 'k' as source_default_key, "
                    "'app store' as source_name, 'tickets' as table_name, 'solved_at' as column_name, "
                    "'created_at of the review' as default_rule, false as is_emptied, 538 as defaulted_rows")
    files = build_report("2024Q3", tmp_path / "out", warehouse)
    kpis = [line.strip() for line in pdf_text(files.pdf, layout=True).splitlines()]
    assert any(line.startswith("Tickets resolved †") for line in kpis), kpis
    assert not any(line.startswith("Median first response †") for line in kpis)
    said = summary(files.html.parent, "2024Q3")
    assert "Some inputs were not in the export and were filled in by rule: " in said
    assert "tickets.solved_at (created_at of the review, 538 rows of app store)" in said
    assert "figures computed from them are marked †." in said
