"""The quarterly report, built by the real CLI from the shared demo warehouse (1,500 tickets).

The PDF is rasterized with poppler's pdftoppm and its text read with pdftotext (Debian package
poppler-utils, installed by `make setup`); the expected figures are read from the marts here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

pytestmark = pytest.mark.slow


def marts(home: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def kpi_rows(home: Path) -> dict[str, dict[str, Any]]:
    columns = ("tickets_resolved, median_first_response_minutes, p90_first_response_minutes, sla_attainment_rate, "
               "feedback_coverage, csat_average, bot_containment_rate")
    rows = marts(home, f"select quarter_key, {columns} from marts.fct_support_quarterly")
    names = ["quarter_key", *[c.strip() for c in columns.split(",")]]
    return {r[0]: dict(zip(names, r, strict=True)) for r in rows}


def expected_kpi_cells(row: dict[str, Any]) -> dict[str, str]:
    """How the report must print each KPI of one quarter, computed straight from the mart."""
    return {
        "Tickets resolved": f"{row['tickets_resolved']:,}",
        "Median first response": f"{row['median_first_response_minutes']:.1f} min",
        "P90 first response": f"{row['p90_first_response_minutes']:.1f} min",
        "SLA attainment": f"{100 * row['sla_attainment_rate']:.1f}%",
        "Feedback coverage": f"{100 * row['feedback_coverage']:.1f}%",
        "CSAT (1-5)": f"{row['csat_average']:.2f}",
        "Bot containment": f"{100 * row['bot_containment_rate']:.1f}%",
    }


@pytest.fixture(scope="module")
def report(demo_pipeline: dict[str, Any], run_closedloop: Callable[..., Any],
           tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`closedloop report` for the latest quarter whose previous quarter also has data."""
    home = demo_pipeline["home"]
    quarters = [r[0] for r in marts(home, "select quarter_key from marts.fct_support_quarterly "
                                          "where tickets_resolved > 0 order by quarter_start_date")]
    assert len(quarters) >= 5, quarters
    quarter = quarters[-1]
    out = tmp_path_factory.mktemp("report")
    result = run_closedloop("report", "--quarter", quarter, "--out", str(out), home=home)
    assert result.returncode == 0, result.stdout + result.stderr
    return {"home": home, "quarter": quarter, "previous": quarters[-2], "year_ago": quarters[-5], "out": out,
            "result": result, "pdf": out / f"report-{quarter}.pdf", "html": out / f"report-{quarter}.html"}


@pytest.fixture(scope="module")
def pdf_text(report: dict[str, Any]) -> str:
    return subprocess.run(["pdftotext", "-layout", str(report["pdf"]), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_command_writes_the_html_and_the_pdf_and_prints_their_paths(report: dict[str, Any]) -> None:
    assert report["html"].stat().st_size > 10_000
    assert report["pdf"].read_bytes().startswith(b"%PDF")
    assert str(report["pdf"]) in report["result"].stdout
    assert sorted(p.name for p in report["out"].iterdir()) == [report["html"].name, report["pdf"].name]


def test_every_pdf_page_renders_to_png_and_the_count_matches_the_footer(report: dict[str, Any], pdf_text: str,
                                                                        tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(report["pdf"]), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    footers = re.findall(r"page (\d+) of (\d+)", pdf_text)
    assert len(pages) >= 3
    assert {int(total) for _, total in footers} == {len(pages)}
    assert [int(n) for n, _ in footers] == list(range(1, len(pages) + 1))
    assert all(p.stat().st_size > 5_000 for p in pages), "a blank page"


def test_pdf_kpi_table_shows_the_marts_values_for_the_quarter_and_both_comparisons(report: dict[str, Any],
                                                                                  pdf_text: str) -> None:
    rows = kpi_rows(report["home"])
    assert f"{report['quarter']}  " in pdf_text
    for name in expected_kpi_cells(rows[report["quarter"]]):
        line = next(line for line in pdf_text.splitlines() if line.strip().startswith(name))
        for quarter in ("quarter", "previous", "year_ago"):
            cell = expected_kpi_cells(rows[report[quarter]])[name]
            assert cell in line, f"{name} {report[quarter]}: {cell!r} not in {line!r}"


def test_pdf_shows_qa_security_and_deposit_figures_from_their_marts(report: dict[str, Any], pdf_text: str) -> None:
    home, quarter = report["home"], report["quarter"]
    qa_score, qa_audits = marts(home, "select avg(overall_score), count(*) from marts.fct_qa_audits as a "
                                      "join marts.dim_calendar as c on c.date_day = a.reviewed_date "
                                      "where c.quarter_key = ?", [quarter])[0]
    interventions = marts(home, "select count(*) from marts.fct_security_interventions as s join marts.dim_calendar "
                                "as c on c.date_day = s.flagged_date where c.quarter_key = ?", [quarter])[0][0]
    reported, recovered = marts(home, "select count(*), count(*) filter (where recovery_status = 'recovered') "
                                      "from marts.fct_deposit_recoveries as d join marts.dim_calendar as c "
                                      "on c.date_day = d.reported_date where c.quarter_key = ?", [quarter])[0]
    text = " ".join(pdf_text.split())
    qa_line = next(line for line in pdf_text.splitlines() if line.strip().startswith("QA score"))
    assert f"{qa_score:.1f}" in qa_line
    assert f"{qa_audits:,} QA" in text
    assert f"Interventions flagged {interventions:,}" in text
    assert f"Missing deposits reported {reported:,}" in text
    assert f"Recovered {recovered:,}" in text


def test_html_is_self_contained_and_shows_the_same_kpi_figures(report: dict[str, Any]) -> None:
    html = report["html"].read_text(encoding="utf-8")
    rows = kpi_rows(report["home"])
    for name, cell in expected_kpi_cells(rows[report["quarter"]]).items():
        row = re.search(rf"<tr><td>{re.escape(name)}</td>(.*?)</tr>", html)
        assert row, name
        assert f">{cell}<" in row.group(1), (name, cell)
    assert html.count('src="data:image/png;base64,') >= 3
    assert not re.search(r"""(src|href)=["']https?:""", html)


def test_every_summary_sentence_cites_a_source_listed_in_the_appendix(report: dict[str, Any]) -> None:
    html = report["html"].read_text(encoding="utf-8")
    summary = html.split('id="summary"', 1)[1].split("</ul>", 1)[0]
    sentences = re.findall(r"<li>(.*?)</li>", summary, flags=re.S)
    assert len(sentences) >= 6
    appendix = set(re.findall(r'<tr id="src-(\d+)">', html))
    for sentence in sentences:
        cited = set(re.findall(r'href="#src-(\d+)"', sentence))
        assert cited or "not available yet" in sentence, sentence
        assert cited <= appendix
    assert "marts.fct_support_quarterly" in html.split('id="appendix"', 1)[1]


def test_a_quarter_without_data_exits_with_one_line_and_writes_no_file(
        demo_pipeline: dict[str, Any], run_closedloop: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_closedloop("report", "--quarter", "2019Q1", "--out", str(out), home=demo_pipeline["home"])
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "no resolved tickets in 2019Q1" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists()


@pytest.mark.parametrize("quarter", ["2025Q5", "Q4-2025", "2025"])
def test_a_malformed_quarter_is_rejected_with_a_clear_message(
        demo_pipeline: dict[str, Any], run_closedloop: Callable[..., Any], tmp_path: Path, quarter: str) -> None:
    result = run_closedloop("report", "--quarter", quarter, "--out", str(tmp_path / "out"),
                            home=demo_pipeline["home"])
    assert result.returncode != 0
    assert f"--quarter {quarter!r} is not a quarter; write it as YYYYQn" in result.stderr
    assert not (tmp_path / "out").exists()


def test_without_the_backlog_link_marts_the_support_driven_section_says_not_available_yet(
        demo_pipeline: dict[str, Any], report: dict[str, Any], tmp_path: Path) -> None:
    from reports import build_report

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(demo_pipeline["home"] / "warehouse.duckdb", warehouse)
    with duckdb.connect(str(warehouse)) as con:
        for (kind,) in con.execute("select table_type from information_schema.tables where table_schema = 'marts' "
                                   "and table_name = 'fct_support_driven_share'").fetchall():
            con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} marts.fct_support_driven_share")
    files = build_report(report["quarter"], tmp_path / "out", warehouse)
    html = files.html.read_text(encoding="utf-8")
    assert "Not available yet" in html
    assert "marts.fct_support_driven_share" in html.split('id="support-driven"', 1)[1].split("<h2", 1)[0]
    text = subprocess.run(["pdftotext", str(files.pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Not available yet" in text


def test_with_the_backlog_link_marts_the_report_shows_the_share_its_items_lead_time_and_impact(
        demo_pipeline: dict[str, Any], report: dict[str, Any], tmp_path: Path) -> None:
    """Issue-5 marts written by hand (their contract's columns) into a copy of the demo warehouse."""
    from reports import build_report

    quarter, previous = report["quarter"], report["previous"]
    start = marts(demo_pipeline["home"], "select min(date_day) from marts.dim_calendar where quarter_key = ?",
                  [quarter])[0][0]
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(demo_pipeline["home"] / "warehouse.duckdb", warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("""
            create or replace table marts.fct_support_driven_share as
            select * from (values (?, date '2025-07-01', 3, 1, 1/3, 0.1::double, 0.6::double),
                                  (?, ?::date, 4, 2, 0.5::double, 0.38::double, 0.87::double))
                as t(quarter_key, quarter_start_date, shipped_items, support_driven_items, support_driven_share,
                     support_driven_share_lower, support_driven_share_upper)
        """, [previous, quarter, start])
        con.execute("""
            create or replace table marts.fct_improvement_impact as
            select * from (values
                ('EX-1', 'Show pending withdrawals in the app', 'T1', 'withdrawal pending',
                 ?::timestamp + interval 9 day, true, 40, 16, 5.0, 2.0, -0.6, 0.001, true, true),
                ('EX-2', 'Fix login loop', 'T2', 'login loop', ?::timestamp + interval 30 day,
                 true, 10, 9, 1.25, 1.125, -0.1, 0.4, true, false),
                ('EX-3', 'Dark mode', null, null, ?::timestamp + interval 31 day,
                 false, null, null, null, null, null, null, true, false))
                as t(item_id, item_summary, theme_id, theme_name, shipped_at, is_support_driven, tickets_before,
                     tickets_after, weekly_tickets_before, weekly_tickets_after, change_pct, p_value,
                     is_window_complete, is_significant_drop)
        """, [start, start, start])
        con.execute("""
            create or replace table marts.fct_insight_lead_time as
            select * from (values ('EX-1', 'T1', 45), ('EX-2', 'T2', 121)) as t(item_id, theme_id,
                                                                              days_insight_to_shipped)
        """)
        con.execute("""
            create or replace table marts.fct_theme_backlog_links as
            select * from (values ('EX-1', 'withdrawal pending', true), ('EX-1', 'bank transfer delay', true),
                                  ('EX-2', 'login loop', true), ('EX-2', 'password reset', false))
                as t(item_id, theme_name, is_accepted)
        """)
    files = build_report(quarter, tmp_path / "out", warehouse)
    html = files.html.read_text(encoding="utf-8")
    section = html.split('id="support-driven"', 1)[1].split("<h2", 1)[0]
    assert "2 of 4 shipped items (50.0%)" in section
    assert 'id="chart-support_driven"' in section
    assert "Show pending withdrawals in the app" in section
    assert "Fix login loop" in section
    assert "Dark mode" not in section
    assert "bank transfer delay; withdrawal pending" in section
    assert "password reset" not in section
    assert "45.0 days" in section
    assert "-60.0%" in section
    summary = html.split('id="summary"', 1)[1].split("</ul>", 1)[0]
    reviewed = marts(demo_pipeline["home"], "select links, links_reviewed from marts.fct_support_driven_share_interval "
                     "where quarter_key = ?", [quarter])[0]
    assert (f"Support drove 2 of the 4 improvements shipped in {quarter}, 50.0% (90% interval from link uncertainty "
            f"38.0% to 87.0%; {reviewed[1]} of {reviewed[0]} links reviewed by a person)"
            in summary)
    assert "median of 83.0 days" in summary
    text = " ".join(subprocess.run(["pdftotext", str(files.pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Support drove 2 of the 4 improvements" in text
    assert "Show pending withdrawals in the app" in text


def test_a_warehouse_without_agent_replies_still_gets_its_report(demo_pipeline: dict[str, Any],
                                                                 run_closedloop: Callable[..., Any],
                                                                 tmp_path: Path) -> None:
    """A feedback source with no agent replies: no quarter has a first response or an SLA rate."""
    home = tmp_path / "state"
    (home / "serving").mkdir(parents=True)
    serving = home / "serving" / "closedloop.duckdb"  # the report reads the published marts
    shutil.copyfile(demo_pipeline["home"] / "serving" / "closedloop.duckdb", serving)
    with duckdb.connect(str(serving)) as con:
        con.execute("update marts.fct_support_quarterly set sla_attainment_rate = null")
        quarter = con.execute("select max(quarter_key) from marts.fct_support_quarterly "
                              "where tickets_resolved > 0").fetchone()[0]
    result = run_closedloop("report", "--quarter", quarter, "--out", str(tmp_path / "out"), home=home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "out" / f"report-{quarter}.pdf").stat().st_size > 0
