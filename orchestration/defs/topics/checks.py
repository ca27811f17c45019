"""Asset checks on the themes: outlier share, theme count, no id reused for another subject."""

import dagster as dg
import duckdb

from orchestration.resources import ClosedloopResource

MAX_OUTLIER_SHARE = 0.05
THEME_COUNT_RANGE = (3, 400)


def _con(closedloop: ClosedloopResource) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(closedloop.warehouse_path), read_only=True)


@dg.asset_check(asset="topics_ticket_themes", name="outlier_share_is_small",
                description=f"At most {MAX_OUTLIER_SHARE:.0%} of resolved tickets have no theme.")
def outlier_share_is_small(closedloop: ClosedloopResource) -> dg.AssetCheckResult:
    """Share of tickets without a theme."""
    with _con(closedloop) as con:
        total, outliers = con.execute("SELECT count(*), count(*) FILTER (WHERE theme_id IS NULL) "
                                      "FROM topics.ticket_themes").fetchone() or (0, 0)
    share = outliers / total if total else 0.0
    return dg.AssetCheckResult(passed=share <= MAX_OUTLIER_SHARE, metadata={"outlier_share": share,
                                                                              "tickets": total})


@dg.asset_check(asset="topics_themes", name="theme_count_is_in_a_sane_range",
                description=f"Between {THEME_COUNT_RANGE[0]} and {THEME_COUNT_RANGE[1]} live themes.")
def theme_count_is_in_a_sane_range(closedloop: ClosedloopResource) -> dg.AssetCheckResult:
    """Live (not retired, not ignored) theme count."""
    with _con(closedloop) as con:
        (count,) = con.execute("SELECT count(*) FROM topics.themes WHERE NOT coalesce(is_retired, false) "
                               "AND NOT coalesce(is_ignored, false)").fetchone() or (0,)
    low, high = THEME_COUNT_RANGE
    return dg.AssetCheckResult(passed=low <= count <= high, metadata={"themes": count})


@dg.asset_check(asset="topics_theme_lineage", name="no_theme_id_reused_for_another_subject",
                description="A theme id kept across a refit kept most of its tickets; a retired id never returns.")
def no_theme_id_reused_for_another_subject(closedloop: ClosedloopResource) -> dg.AssetCheckResult:
    """Continued ids must carry at least half of the old theme's tickets; retired ids must not come back."""
    with _con(closedloop) as con:
        weak = con.execute("SELECT count(*) FROM topics.theme_lineage WHERE event = 'continued' "
                           "AND similarity < 0.5").fetchone()
        reborn = con.execute(
            "SELECT count(*) FROM topics.theme_lineage r JOIN topics.theme_lineage n "
            "ON r.from_theme_id = n.to_theme_id AND r.event = 'retired' AND n.event = 'new' "
            "AND n.recorded_at > r.recorded_at").fetchone()
    problems = int(weak[0] if weak else 0) + int(reborn[0] if reborn else 0)
    return dg.AssetCheckResult(passed=problems == 0, metadata={"problems": problems})
