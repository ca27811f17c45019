"""Top-level themes of a quarter with their sub-themes beneath (``dim_theme_groups`` and its children).

Read from the marts only: each group's tickets in the quarter and the previous one are the sums of
its weeks in ``fct_theme_group_weekly``, each sub-theme's the sums of its weeks in ``fct_theme_weekly``
(weeks count in the quarter their Monday falls in, as for the rising and declining themes).
"""

from __future__ import annotations

from typing import Any

import duckdb

from reports.quarters import Quarter
from reports.records import ThemeGroupChange, ThemeLine

TOP_GROUPS = 15
"""Most top-level themes listed (largest this quarter first)."""
SUB_THEMES = 5
"""Most sub-themes listed under each (largest this quarter first); the rest are counted."""


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    return con.execute(sql, params).fetchall()


def has_groups(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse has the top-level theme marts (warehouses built before them do not)."""
    row = con.execute("select count(*) from information_schema.tables where table_schema = 'marts' "
                      "and table_name in ('dim_theme_groups', 'fct_theme_group_weekly')").fetchone()
    return bool(row and row[0] == 2)


def theme_groups(con: duckdb.DuckDBPyConnection, quarter: Quarter) -> list[ThemeGroupChange]:
    """The quarter's top-level themes, largest first, each with its largest sub-themes.

    Args:
        con: Read-only warehouse connection.
        quarter: The report's quarter (compared with the one before).

    Returns:
        Up to :data:`TOP_GROUPS` groups with tickets in either quarter; empty without the marts.
    """
    if not has_groups(con):
        return []
    window = [quarter.start, quarter.end, quarter.previous.start]
    groups = _rows(con, """
        select g.theme_group_id, d.group_name,
               coalesce(sum(g.tickets) filter (where g.week_start_date >= $1 and g.week_start_date < $2), 0),
               coalesce(sum(g.tickets) filter (where g.week_start_date >= $3 and g.week_start_date < $1), 0)
        from marts.fct_theme_group_weekly as g
        join marts.dim_theme_groups as d on d.theme_group_id = g.theme_group_id
        where g.week_start_date >= $3 and g.week_start_date < $2
        group by g.theme_group_id, d.group_name
        having sum(g.tickets) > 0
        order by 3 desc, 4 desc, g.theme_group_id
    """, window)[:TOP_GROUPS]
    subs = _rows(con, """
        select t.parent_theme_id, t.theme_name,
               coalesce(sum(w.tickets) filter (where w.week_start_date >= $1 and w.week_start_date < $2), 0),
               coalesce(sum(w.tickets) filter (where w.week_start_date >= $3 and w.week_start_date < $1), 0)
        from marts.fct_theme_weekly as w
        join marts.dim_themes as t on t.theme_id = w.theme_id
        where w.week_start_date >= $3 and w.week_start_date < $2 and t.parent_theme_id is not null
        group by t.parent_theme_id, t.theme_id, t.theme_name
        having sum(w.tickets) > 0
        order by 3 desc, 4 desc, t.theme_id
    """, window)
    out = []
    for group_id, name, tickets, previous in groups:
        members = [ThemeLine(s[1], int(s[2]), int(s[3])) for s in subs if s[0] == group_id]
        out.append(ThemeGroupChange(group_id, name, int(tickets), int(previous), members[:SUB_THEMES],
                                    len(members) - min(len(members), SUB_THEMES)))
    return out
