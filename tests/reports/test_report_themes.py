"""The quarterly report's top-level themes, built by the real CLI from the shared demo warehouse.

The PDF's text is read with pdftotext (poppler-utils); the expected figures are read from the marts.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from html import unescape
from pathlib import Path
from typing import Any

import duckdb
import pytest

from reports.taxonomy import TOP_GROUPS

pytestmark = pytest.mark.slow

MARK = "└ "


def _marts(home: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def report(demo_pipeline: dict[str, Any], run_closedloop: Callable[..., Any],
           tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`closedloop report` for the demo's last quarter, its PDF's text and the quarter's bounds."""
    home = demo_pipeline["home"]
    quarter, start, end, previous_start = _marts(home, """
        select quarter_key, quarter_start_date, quarter_start_date + interval 3 month,
               quarter_start_date - interval 3 month
        from marts.fct_support_quarterly where tickets_resolved > 0 order by quarter_start_date desc limit 1""")[0]
    out = tmp_path_factory.mktemp("report")
    result = run_closedloop("report", "--quarter", quarter, "--out", str(out), home=home)
    assert result.returncode == 0, result.stdout + result.stderr
    text = subprocess.run(["pdftotext", "-layout", str(out / f"report-{quarter}.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    html = (out / f"report-{quarter}.html").read_text(encoding="utf-8")
    return {"home": home, "text": text, "html": html, "window": [start, end, previous_start]}


def _expected(report: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Each top-level theme's tickets in the quarter and the previous one, from fct_theme_group_weekly."""
    rows = _marts(report["home"], """
        select d.group_name,
               coalesce(sum(g.tickets) filter (where g.week_start_date >= $1 and g.week_start_date < $2), 0),
               coalesce(sum(g.tickets) filter (where g.week_start_date >= $3 and g.week_start_date < $1), 0)
        from marts.fct_theme_group_weekly as g join marts.dim_theme_groups as d using (theme_group_id)
        where g.week_start_date >= $3 and g.week_start_date < $2
        group by d.group_name having sum(g.tickets) > 0
    """, report["window"])
    return {r[0]: (int(r[1]), int(r[2])) for r in rows}


def _section(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("Top-level theme / sub-theme"))
    rows = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        rows.append(line.strip())
    return rows


def test_the_pdf_lists_each_top_level_theme_with_its_quarter_counts(report: dict[str, Any]) -> None:
    expected = _expected(report)
    rows = [r for r in _section(report["text"]) if not r.startswith(MARK)]
    assert len(rows) == min(len(expected), TOP_GROUPS)
    for row in rows:
        name = next(n for n in sorted(expected, key=len, reverse=True) if row.startswith(n))
        tickets, previous = expected[name]
        assert row.split()[-3:] == [f"{previous:,}", f"{tickets:,}", f"{tickets - previous:+d}"], row


def test_the_pdf_puts_each_sub_theme_beneath_its_own_top_level_theme(report: dict[str, Any]) -> None:
    parents = dict(_marts(report["home"], "select theme_name, parent_theme_name from marts.dim_themes"))
    groups = set(parents.values())
    current = None
    sub_rows = 0
    for row in _section(report["text"]):
        if row.startswith(MARK):
            name = row[len(MARK):].rsplit(maxsplit=3)[0]
            if not name.startswith("and "):
                assert parents[name] == current, row
                sub_rows += 1
        else:
            current = next(g for g in sorted(groups, key=len, reverse=True) if row.startswith(g))
    several = [g for g in groups if sum(p == g for p in parents.values()) > 1]
    assert sub_rows > 0 or not several


def test_the_html_has_the_top_level_section_before_rising_and_declining_themes(report: dict[str, Any]) -> None:
    html = report["html"]
    assert 0 < html.index('id="top-level-themes"') < html.index('id="themes"')
    section = unescape(html[html.index('id="top-level-themes"'):html.index('id="themes"')])
    expected = _expected(report)
    shown = sorted(expected, key=lambda n: (-expected[n][0], -expected[n][1]))[:TOP_GROUPS]  # as the report ranks
    missing = [name for name in shown if name not in section]
    assert missing == [], f"top-level themes not in the HTML section: {missing}"
