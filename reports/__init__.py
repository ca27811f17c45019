"""Quarterly leadership report: data (marts only) → figures → HTML and PDF.

Use ``build_report("2025Q4", Path("out"), warehouse=Path("state/warehouse.duckdb"))``, or the command
``closedloop report --quarter 2025Q4 [--out DIR]``. The renderers (matplotlib, ReportLab) load on
first use of :func:`build_report`, so importing the package for :class:`Quarter` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reports.data import NoDataError
from reports.quarters import Quarter, QuarterFormatError

if TYPE_CHECKING:
    from reports.build import ReportFiles, build_report

__all__ = ["NoDataError", "Quarter", "QuarterFormatError", "ReportFiles", "build_report"]


def __getattr__(name: str) -> Any:
    """``build_report`` and ``ReportFiles`` from :mod:`reports.build`, imported when first asked for."""
    if name in ("build_report", "ReportFiles"):
        from reports import build

        return getattr(build, name)
    raise AttributeError(f"module 'reports' has no attribute {name!r}")
