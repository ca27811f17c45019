"""The charts of the dashboards: one builder per chart type, each filling in a Superset ``viz_type``'s form data.

Chart types render as canvas/SVG through ECharts, except tables (HTML) and big numbers (text, with
an ECharts trend line when they compare quarters).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dashboards.datasets import Dataset


@dataclass(frozen=True)
class Chart:
    """One chart: a Superset ``viz_type`` with its form data.

    Attributes:
        title: Chart title.
        dataset: Name of the :class:`Dataset` it reads.
        viz_type: Superset visualization type.
        params: Form data specific to the chart (metrics, x axis, ...).
        width: Width in the 12-column grid.
        height: Height in grid units (8 px).
        where_true: A boolean column the rows must have true, if any (a saved column, not SQL: a
            Viewer's chart requests carry no SQL, see :mod:`dashboards.superset_guard`).
    """

    title: str
    dataset: str
    viz_type: str
    params: dict[str, Any]
    width: int = 6
    height: int = 50
    where_true: str | None = None


def line(title: str, dataset: Dataset, metrics: list[str], groupby: list[str] | None = None, grain: str = "P1W",
         series_limit: int = 0, y_format: str = "SMART_NUMBER", **kwargs: Any) -> Chart:
    """An ECharts time-series line over ``date_day``."""
    return Chart(title, dataset.name, "echarts_timeseries_line",
                 {"x_axis": "date_day", "time_grain_sqla": grain, "metrics": metrics, "groupby": groupby or [],
                  "series_limit": series_limit, "series_limit_metric": metrics[0] if series_limit else None,
                  "order_desc": True, "show_legend": True, "rich_tooltip": True, "markerEnabled": False,
                  "x_axis_time_format": "smart_date", "y_axis_format": y_format, "truncateYAxis": False},
                 **kwargs)


def bar(title: str, dataset: Dataset, x_axis: str, metrics: list[str], groupby: list[str] | None = None,
        grain: str | None = None, row_limit: int | None = None, stack: bool = False, y_format: str = "SMART_NUMBER",
        **kwargs: Any) -> Chart:
    """An ECharts bar chart over a category (top 50 by the first metric), or over time with ``grain`` (all rows)."""
    limit = row_limit or (10_000 if grain else 50)
    params: dict[str, Any] = {"x_axis": x_axis, "metrics": metrics, "groupby": groupby or [], "row_limit": limit,
                              "show_legend": True, "rich_tooltip": True, "stack": "Stack" if stack else None,
                              "y_axis_format": y_format, "truncateYAxis": False, "show_value": False}
    if grain:
        params |= {"time_grain_sqla": grain, "x_axis_time_format": "smart_date"}
    else:
        params |= {"x_axis_sort": metrics[0], "x_axis_sort_asc": False}
    return Chart(title, dataset.name, "echarts_timeseries_bar", params, **kwargs)


def pie(title: str, dataset: Dataset, groupby: str, metric: str, **kwargs: Any) -> Chart:
    """An ECharts pie (donut) of one metric by one category."""
    return Chart(title, dataset.name, "pie",
                 {"groupby": [groupby], "metric": metric, "row_limit": 15, "donut": True, "show_legend": True,
                  "label_type": "key_percent", "sort_by_metric": True}, **kwargs)


def kpi(title: str, dataset: Dataset, metric: str, grain: str = "P3M", **kwargs: Any) -> Chart:
    """A big number with its trend line, compared with the previous period (quarter by default)."""
    return Chart(title, dataset.name, "big_number",
                 {"x_axis": "date_day", "time_grain_sqla": grain, "metric": metric, "compare_lag": 1,
                  "compare_suffix": "vs previous quarter", "show_trend_line": True, "start_y_axis_at_zero": True,
                  "show_timestamp": True},
                 **({"width": 3, "height": 40} | kwargs))


def table(title: str, dataset: Dataset, groupby: list[str], metrics: list[str], row_limit: int = 25,
          **kwargs: Any) -> Chart:
    """An aggregated table sorted by the first metric (descending)."""
    return Chart(title, dataset.name, "table",
                 {"query_mode": "aggregate", "groupby": groupby, "metrics": metrics, "all_columns": [],
                  "timeseries_limit_metric": metrics[0], "order_desc": True, "row_limit": row_limit,
                  "server_pagination": False, "include_search": False, "table_timestamp_format": "%Y-%m-%d"},
                 **kwargs)


def rows_table(title: str, dataset: Dataset, columns: list[str], order_by: str, row_limit: int = 25,
               ascending: bool = False, formats: dict[str, str] | None = None, **kwargs: Any) -> Chart:
    """A table of raw rows, ordered by ``order_by`` (descending unless ``ascending``); ``formats``: d3 per column."""
    return Chart(title, dataset.name, "table",
                 {"query_mode": "raw", "groupby": [], "metrics": [], "all_columns": columns,
                  "column_config": {c: {"d3NumberFormat": f} for c, f in (formats or {}).items()},
                  "order_by_cols": [f'["{order_by}", {str(ascending).lower()}]'], "row_limit": row_limit,
                  "server_pagination": False, "allow_render_html": True,
                  "include_search": False, "table_timestamp_format": "%Y-%m-%d"},
                 **kwargs)
