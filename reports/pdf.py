"""The PDF report, laid out with ReportLab (pure Python), in matplotlib's bundled DejaVu fonts.

Pages carry "page N of M" in the footer, so a reader (and the tests) can tell the document is whole.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib as mpl
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm, inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    Image,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from reports.figures import Chart
from reports.view import ReportView
from reports.view import Table as ViewTable

FONT, BOLD, ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
MARGIN = 1.6 * cm
WIDTH = A4[0] - 2 * MARGIN


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(mpl.get_data_path()) / "fonts" / "ttf"
    for name in (FONT, BOLD, ITALIC):
        pdfmetrics.registerFont(TTFont(name, str(folder / f"{name}.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=FONT, fontSize=9, leading=12.5)
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=BOLD, fontSize=16, leading=20,
                                alignment=0),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=BOLD, fontSize=12, spaceBefore=10,
                             spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontName=BOLD, fontSize=10, spaceBefore=6,
                             spaceAfter=2),
        "body": body,
        "note": ParagraphStyle("note", parent=body, fontSize=7.5, leading=10, textColor=colors.HexColor("#444444")),
        "cell": ParagraphStyle("cell", parent=body, fontSize=7.5, leading=9.5),
        "quote": ParagraphStyle("quote", parent=body, fontSize=8, leading=10.5, leftIndent=10,
                                borderColor=colors.HexColor("#999999"), borderWidth=0, borderPadding=2),
    }


class _NumberedCanvas(rl_canvas.Canvas):
    """Draws "page N of M" once the page count is known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self.footer_text = ""

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(FONT, 7)
            self.setFillColor(colors.HexColor("#444444"))
            self.drawString(MARGIN, 0.9 * cm, self.footer_text)
            self.drawRightString(A4[0] - MARGIN, 0.9 * cm, f"page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


def _table(view_table: ViewTable, styles: dict[str, ParagraphStyle], widths: list[float] | None = None,
           numeric_from: int = 1) -> Table:
    cell = styles["cell"]
    head = ParagraphStyle("head", parent=cell, fontName=BOLD)
    right = ParagraphStyle("right", parent=cell, alignment=2)
    rows = [[Paragraph(escape(h), head) for h in view_table.header]]
    for row in view_table.rows:
        rows.append([Paragraph(escape(c), right if i >= numeric_from else cell) for i, c in enumerate(row)])
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _chart(chart: Chart, styles: dict[str, ParagraphStyle]) -> KeepTogether:
    width = min(WIDTH, chart.width_in * inch)
    image = Image(io.BytesIO(chart.png), width=width, height=width * chart.height_in / chart.width_in,
                  kind="proportional")
    return KeepTogether([image, Paragraph(escape(f"{chart.title}. Source: {chart.caption}"), styles["note"]),
                         Spacer(1, 6)])


def _printable(text: str) -> str:
    """``text`` escaped for a Paragraph, or a pointer to the HTML when the font lacks its script (CJK)."""
    glyphs = pdfmetrics.getFont(FONT).face.charToGlyph
    if all(ord(ch) in glyphs or ch.isspace() for ch in text):
        return escape(text)
    return "<i>[this script is not in the PDF font; the HTML report shows the text]</i>"


def _refs(numbers: tuple[int, ...]) -> str:
    return "".join(f"<super>[{n}]</super>" for n in numbers)


def _opening(view: ReportView, st: dict[str, ParagraphStyle]) -> list[Any]:
    """Title, provenance line, summary, headline KPIs and the volume and first-response charts."""
    d = view.data
    story: list[Any] = [
        Paragraph(escape(view.title), st["title"]),
        Paragraph(escape(f"{d.quarter.start.isoformat()} to {d.quarter.end.isoformat()} (exclusive) · generated "
                         f"{d.generated_at.isoformat(sep=' ')} from {d.warehouse.name} · every figure names its "
                         f"mart in the data appendix."), st["note"]),
        Paragraph("Summary", st["h2"]),
        ListFlowable([ListItem(Paragraph(escape(c.text) + _refs(c.refs), st["body"]), leftIndent=10)
                      for c in view.claims], bulletType="bullet", start="•", leftIndent=10),
        Paragraph("Headline KPIs", st["h2"]),
        _table(view.kpis, st, [3.6 * cm, 2.1 * cm, 2.1 * cm, 2.8 * cm, 2.1 * cm, 2.8 * cm, 1.0 * cm]),
        Paragraph(escape(view.notes[0]), st["note"]),
        Spacer(1, 6),
    ]
    return story + [_chart(view.charts[name], st) for name in ("volume_sla", "first_response") if name in view.charts]


def _coverage(view: ReportView, st: dict[str, ParagraphStyle]) -> list[Any]:
    """Each source's span against the quarter, and figures per source when there are several."""
    story: list[Any] = [Paragraph("Data coverage", st["h2"])]
    if view.coverage is not None:
        story.append(_table(view.coverage, st, [5.2 * cm, 2.6 * cm, 2.6 * cm, 2.2 * cm, 2.4 * cm]))
    if view.by_source is not None:
        story.append(Paragraph("By source" + _refs(view.by_source.refs), st["h3"]))
        story.append(_table(view.by_source, st, [3.4 * cm, 2.2 * cm, 1.8 * cm, 1.8 * cm, 8.4 * cm], numeric_from=1))
    return story


def _support_driven(view: ReportView, st: dict[str, ParagraphStyle]) -> list[Any]:
    """The support-driven improvements: the note, the share chart and the items shipped."""
    story: list[Any] = [Paragraph("Support-driven improvements", st["h2"])]
    if view.items is None:
        story.append(Paragraph(escape(view.support_driven_note), st["body"]))
        return story
    story.append(Paragraph(escape(view.support_driven_note) + _refs(view.items.refs), st["body"]))
    if "support_driven" in view.charts:
        story.append(_chart(view.charts["support_driven"], st))
    if view.items.rows:
        story.append(_table(view.items, st, [1.6 * cm, 3.3 * cm, 3.0 * cm, 2.0 * cm, 1.8 * cm, 1.6 * cm,
                                             1.2 * cm, 1.6 * cm, 1.4 * cm], numeric_from=3))
    else:
        story.append(Paragraph(f"No support-driven item shipped in {view.data.quarter.key}.", st["body"]))
    return story


def _themes(view: ReportView, st: dict[str, ParagraphStyle]) -> list[Any]:
    """Rising and declining themes: the chart, both tables and the example tickets."""
    heading = Paragraph("Rising and declining themes", st["h2"])
    story: list[Any] = [KeepTogether([heading, _chart(view.charts["themes"], st)]) if "themes" in view.charts
                        else heading]
    theme_widths = [8.2 * cm, 2.2 * cm, 2.0 * cm, 2.0 * cm, 1.6 * cm]
    if view.themes_note:
        story.append(Paragraph(escape(view.themes_note), st["body"]))
        story.append(_table(view.top_themes, st, theme_widths[:3], numeric_from=2) if view.top_themes.rows
                     else Paragraph("No theme has tickets in this quarter.", st["body"]))
    for label, table in (() if view.themes_note else (("Rising", view.rising), ("Declining", view.declining))):
        story.append(Paragraph(label, st["h3"]))
        story.append(_table(table, st, theme_widths, numeric_from=2) if table.rows
                     else Paragraph("None.", st["body"]))
    story.append(Paragraph(escape(view.notes[1]), st["note"]))
    story.append(Paragraph("Example tickets (redacted)", st["h3"]))
    for e in view.examples:
        story.append(Paragraph(f"<b>{escape(e.theme_name)}</b> · ticket {escape(e.ticket_id)}<br/>"
                               f"<i>{_printable(e.subject)}</i> — {_printable(e.body)}", st["quote"]))
        story.append(Spacer(1, 3))
    return story


def _taxonomy(view: ReportView, st: dict[str, ParagraphStyle]) -> list[Any]:
    """Top-level themes with their sub-themes beneath (nothing when the warehouse has no groups)."""
    if view.taxonomy is None:
        return []
    return [KeepTogether([Paragraph("Top-level themes" + _refs(view.taxonomy.refs), st["h2"]),
                          Paragraph("Each top-level theme gathers related themes; its largest sub-themes are "
                                    "listed beneath it.", st["note"]),
                          _table(view.taxonomy, st, [10.2 * cm, 2.2 * cm, 2.2 * cm, 1.8 * cm])]), Spacer(1, 6)]


def _security(view: ReportView, st: dict[str, ParagraphStyle]) -> list[Any]:
    """Security interventions (with their outcomes) and deposit recoveries."""
    story: list[Any] = [Paragraph("Security interventions and deposit recoveries", st["h2"]),
                        Paragraph("Security interventions" + _refs(view.security.refs), st["h3"]),
                        _table(view.security, st, [8 * cm, 3 * cm])]
    if view.security_outcomes.rows:
        story.append(Spacer(1, 4))
        story.append(_table(view.security_outcomes, st, [8 * cm, 3 * cm]))
    story.append(Paragraph("Deposit recoveries" + _refs(view.deposits.refs), st["h3"]))
    story.append(_table(view.deposits, st, [8 * cm, 3 * cm]))
    return story


def _appendix(view: ReportView, st: dict[str, ParagraphStyle]) -> list[Any]:
    """The data appendix: every source's mart, columns and rows."""
    return [Paragraph("Data appendix", st["h2"]),
            Paragraph("Every figure in this report is read from the marts schema of the warehouse, opened "
                      "read-only.", st["note"]),
            _table(view.appendix, st, [0.9 * cm, 3.6 * cm, 4.8 * cm, 4.2 * cm, 4.3 * cm], numeric_from=99)]


def render_pdf(view: ReportView, path: Path) -> None:
    """Write the report as a PDF at ``path``.

    Args:
        view: The formatted report.
        path: Where to write the PDF.
    """
    _register_fonts()
    st = _styles()
    story = [*_opening(view, st), *_coverage(view, st), *_support_driven(view, st), *_taxonomy(view, st),
             *_themes(view, st),
             *_security(view, st), *_appendix(view, st)]
    d = view.data
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=view.title, author="closedloop",
                            subject=f"Quarterly report {d.quarter.key}")

    footer = f"closedloop · quarterly report {d.quarter.key}"

    def make_canvas(*args: Any, **kwargs: Any) -> _NumberedCanvas:
        canvas = _NumberedCanvas(*args, **kwargs)
        canvas.footer_text = footer
        return canvas

    doc.build(story, canvasmaker=make_canvas)
