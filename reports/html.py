"""The self-contained HTML report (charts embedded as base64 PNG), from a Jinja2 template."""

from __future__ import annotations

import base64
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from reports.view import ReportView

TEMPLATES = Path(__file__).resolve().parent / "templates"


def render_html(view: ReportView) -> str:
    """The report as one HTML document."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["b64"] = lambda data: base64.b64encode(data).decode("ascii")
    return env.get_template("report.html.j2").render(v=view, d=view.data)
