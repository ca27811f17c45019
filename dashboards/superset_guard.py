"""Viewers query saved columns and metrics only: no SQL of their own reaches the warehouse.

Superset lets anyone who may read a dataset send ad-hoc SQL in a chart-data request (an ad-hoc
metric or column with ``sqlExpression``, ``extras.where`` / ``extras.having``, and even a bare
string column that is not one of the dataset's, which Superset pastes into the query as SQL). The
dashboards need none of that: every chart is built from the dataset's saved columns and metrics.

:func:`unsaved_parts` is the rule, on a query object's dictionary (pure, tested without Superset).
:func:`security_manager_class` wraps it into Superset's security manager
(``CUSTOM_SECURITY_MANAGER``, https://superset.apache.org/docs/security/#custom-oauth2-configuration
shows the hook): ``raise_for_access(query_context=...)``, which Superset calls for every chart-data
request after authentication, refuses a query with unsaved parts with a ``SupersetSecurityException``
(HTTP 403) unless the user may write charts (``can_write`` on ``Chart``: Admin, Alpha). This module
runs inside Superset's virtualenv, imported by the generated ``superset_config.py``; it imports only
the standard library at module level.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

EDITOR_PERMISSION = ("can_write", "Chart")


def unsaved_parts(query: Mapping[str, Any], columns: Collection[str], metrics: Collection[str]) -> list[str]:
    """What a chart-data query asks beyond the dataset's saved columns and metrics.

    Args:
        query: A Superset query object as a dictionary (``QueryObject.to_dict()``, or a request's
            ``queries[i]`` with ``filters`` in place of ``filter``).
        columns: The dataset's column names.
        metrics: The dataset's saved metric names.

    Returns:
        One line per refused part (empty when the query uses saved columns and metrics only).
    """
    refused: list[str] = []

    def column(value: Any, where: str) -> None:
        """A column is a saved column's name, or an ad-hoc column whose SQL is exactly one (x axis, time grain)."""
        name = value.get("sqlExpression") if isinstance(value, Mapping) else value
        if not isinstance(name, str) or name not in columns:
            refused.append(f"{where}: {value!r} is not a column of the dataset")

    def metric(value: Any, where: str) -> None:
        if not isinstance(value, str) or value not in metrics:
            refused.append(f"{where}: {value!r} is not a saved metric of the dataset")

    for value in query.get("columns") or []:
        column(value, "columns")
    for value in query.get("series_columns") or []:
        column(value, "series_columns")
    for value in query.get("metrics") or []:
        metric(value, "metrics")
    if query.get("series_limit_metric"):
        metric(query["series_limit_metric"], "series_limit_metric")
    if query.get("granularity"):
        column(query["granularity"], "granularity")
    for value, _ascending in query.get("orderby") or []:
        if not (isinstance(value, str) and value in metrics):
            column(value, "orderby")
    for condition in [*(query.get("filter") or []), *(query.get("filters") or [])]:
        column(condition.get("col"), "filters")
    extras = query.get("extras") or {}
    for clause in ("where", "having"):
        if str(extras.get(clause) or "").strip():
            refused.append(f"extras.{clause}: {extras[clause]!r} is SQL")
    return refused


def security_manager_class() -> type[Any]:
    """Superset's security manager, refusing unsaved columns and metrics to users who may not write charts."""
    from superset.errors import ErrorLevel, SupersetError, SupersetErrorType
    from superset.exceptions import SupersetSecurityException
    from superset.security import SupersetSecurityManager

    class ClosedloopSecurityManager(SupersetSecurityManager):  # type: ignore[misc]
        """Superset's own checks, then: a query context of a non-editor uses saved columns and metrics only."""

        def raise_for_access(self, *args: Any, **kwargs: Any) -> None:
            """Superset's checks; then refuse a non-editor's chart query with unsaved parts."""
            super().raise_for_access(*args, **kwargs)
            query_context = kwargs.get("query_context")
            if query_context is None or self.can_access(*EDITOR_PERMISSION):
                return
            datasource = query_context.datasource
            if getattr(datasource, "type", None) != "table":
                refused = [f"datasource of type {getattr(datasource, 'type', None)!r}"]
            else:
                columns = {c.column_name for c in datasource.columns}
                metrics = {m.metric_name for m in datasource.metrics}
                refused = [line for query in query_context.queries
                           for line in unsaved_parts(query.to_dict(), columns, metrics)]
            if refused:
                raise SupersetSecurityException(SupersetError(
                    message="Only the dataset's saved columns and metrics may be queried: " + "; ".join(refused),
                    error_type=SupersetErrorType.DATASOURCE_SECURITY_ACCESS_ERROR, level=ErrorLevel.ERROR))

    return ClosedloopSecurityManager
