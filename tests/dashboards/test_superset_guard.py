"""The rule that keeps a Viewer's chart queries to saved columns and metrics (Superset runs it; see the e2e tests)."""

from __future__ import annotations

from typing import Any

import pytest

from dashboards.superset_guard import unsaved_parts

COLUMNS = {"date_day", "channel", "csat_score"}
METRICS = {"tickets", "csat_average"}
X_AXIS = {"columnType": "BASE_AXIS", "sqlExpression": "date_day", "label": "date_day", "expressionType": "SQL",
          "timeGrain": "P1W"}


def test_a_dashboard_chart_query_uses_only_saved_parts() -> None:
    query = {"columns": [X_AXIS, "channel"], "metrics": ["tickets", "csat_average"], "series_columns": ["channel"],
             "series_limit_metric": "tickets", "orderby": [["tickets", False], ["channel", True]],
             "filter": [{"col": "date_day", "op": "TEMPORAL_RANGE", "val": "No filter"},
                        {"col": "channel", "op": "IN", "val": ["chat"]}],
             "extras": {"where": "", "having": "", "time_grain_sqla": "P1W"}}
    assert unsaved_parts(query, COLUMNS, METRICS) == []


@pytest.mark.parametrize(("query", "where"), [
    ({"metrics": [{"expressionType": "SQL", "sqlExpression": "max(version())", "label": "v"}]}, "metrics"),
    ({"metrics": [{"expressionType": "SIMPLE", "column": {"column_name": "csat_score"}, "aggregate": "MAX"}]},
     "metrics"),
    ({"metrics": ["count(*)"]}, "metrics"),
    ({"columns": [{"expressionType": "SQL", "sqlExpression": "version()", "label": "v"}]}, "columns"),
    ({"columns": ["version()"]}, "columns"),
    ({"series_columns": ["current_setting('threads')"]}, "series_columns"),
    ({"orderby": [["random()", True]]}, "orderby"),
    ({"series_limit_metric": "sum(1)"}, "series_limit_metric"),
    ({"filter": [{"col": {"sqlExpression": "version()", "label": "x"}, "op": "==", "val": "x"}]}, "filters"),
    ({"filters": [{"col": "version()", "op": "IS NOT NULL"}]}, "filters"),
    ({"extras": {"where": "version() is not null"}}, "extras.where"),
    ({"extras": {"having": "count(*) > 0"}}, "extras.having"),
    ({"granularity": "now()"}, "granularity"),
])
def test_sql_of_the_viewers_own_is_refused_naming_the_part(query: dict[str, Any], where: str) -> None:
    refused = unsaved_parts(query, COLUMNS, METRICS)
    assert len(refused) == 1
    assert refused[0].startswith(f"{where}: ")
