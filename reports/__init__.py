"""Quarterly leadership report: data (marts only) → figures → HTML and PDF.

Use ``build_report("2025Q4", Path("out"), warehouse=Path("state/warehouse.duckdb"))``, or the command
``closedloop report --quarter 2025Q4 [--out DIR]``.
"""

from reports.build import ReportFiles, build_report
from reports.data import NoDataError
from reports.quarters import Quarter, QuarterFormatError

__all__ = ["NoDataError", "Quarter", "QuarterFormatError", "ReportFiles", "build_report"]
