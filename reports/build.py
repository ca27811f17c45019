"""Build one quarter's report: data → figures → HTML and PDF."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from reports.data import load_report_data
from reports.figures import build_charts
from reports.html import render_html
from reports.pdf import render_pdf
from reports.quarters import Quarter
from reports.summary import summarize
from reports.view import build_view

log = logging.getLogger("closedloop.report")


@dataclass(frozen=True)
class ReportFiles:
    """The files one report run wrote."""

    quarter: str
    html: Path
    pdf: Path
    seconds: float


def build_report(quarter: str | Quarter, out_dir: Path, warehouse: Path) -> ReportFiles:
    """Write ``report-<quarter>.html`` and ``report-<quarter>.pdf`` into ``out_dir``.

    Nothing is written unless both render: files are written beside their final names and
    renamed at the end.

    Args:
        quarter: ``2025Q4`` or a :class:`Quarter`.
        out_dir: Output folder (created when missing).
        warehouse: DuckDB warehouse, opened read-only; only ``marts.*`` is read.

    Raises:
        QuarterFormatError: ``quarter`` is not ``YYYYQn``.
        NoDataError: No warehouse, no marts, or no resolved tickets in the quarter.
    """
    started = time.perf_counter()
    q = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    data = load_report_data(warehouse, q)
    log.info(f"report {q.key}: read the marts in {time.perf_counter() - started:.1f}s")
    charts = build_charts(data)
    view = build_view(data, summarize(data), charts)
    log.info(f"report {q.key}: {len(charts)} charts in {time.perf_counter() - started:.1f}s")
    out_dir.mkdir(parents=True, exist_ok=True)
    html, pdf = out_dir / f"report-{q.key}.html", out_dir / f"report-{q.key}.pdf"
    html_tmp, pdf_tmp = html.with_suffix(".html.partial"), pdf.with_suffix(".pdf.partial")
    try:
        html_tmp.write_text(render_html(view), encoding="utf-8")
        render_pdf(view, pdf_tmp)
        html_tmp.replace(html)
        pdf_tmp.replace(pdf)
    finally:
        html_tmp.unlink(missing_ok=True)
        pdf_tmp.unlink(missing_ok=True)
    seconds = time.perf_counter() - started
    log.info(f"report {q.key}: wrote {html} and {pdf} in {seconds:.1f}s")
    return ReportFiles(q.key, html, pdf, seconds)
