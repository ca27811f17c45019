"""Asset checks on the themes: outlier share, theme count, no id reused, daily assignment vs refit."""

import dagster as dg
import duckdb

from closedloop.core.warehouse import connect_read_only
from orchestration.resources import ClosedloopResource

MAX_OUTLIER_SHARE = 0.05
THEME_COUNT_RANGE = (3, 400)
MIN_ASSIGNMENT_AGREEMENT = 0.8
"""Least share of daily-assigned tickets whose theme the next refit must confirm.

Below it, daily assignment files tickets under themes a refit would not give them, so the themes
users see between refits drift from the data; refit more often or raise the assignment similarity.
"""


def _con(closedloop: ClosedloopResource) -> duckdb.DuckDBPyConnection:
    return connect_read_only(closedloop.warehouse_path)


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


@dg.asset_check(asset="topics_ticket_themes", name="daily_assignment_agrees_with_refit", blocking=False,
                description=f"At the latest refit, at least {MIN_ASSIGNMENT_AGREEMENT:.0%} of the tickets "
                            "assigned daily since the fit before kept their theme.")
def daily_assignment_agrees_with_refit(closedloop: ClosedloopResource) -> dg.AssetCheckResult:
    """Agreement between a fit's daily assignments and the later refit (latest row of topics.assignment_agreement)."""
    with _con(closedloop) as con:
        row = con.execute("SELECT model_version, measured_at, assigned_tickets, agreeing_tickets, agreement_share "
                          "FROM topics.assignment_agreement ORDER BY measured_at DESC, model_version DESC "
                          "LIMIT 1").fetchone()
    if row is None:
        return dg.AssetCheckResult(passed=True, metadata={"status": "no daily assignments compared yet"})
    version, measured_at, assigned, agreeing, share = row
    return dg.AssetCheckResult(
        passed=share >= MIN_ASSIGNMENT_AGREEMENT, severity=dg.AssetCheckSeverity.WARN,
        metadata={"agreement_share": round(float(share), 4), "assigned_tickets": int(assigned),
                  "agreeing_tickets": int(agreeing), "model_version": version, "measured_at": str(measured_at),
                  "threshold": MIN_ASSIGNMENT_AGREEMENT})


topic_checks = [outlier_share_is_small, theme_count_is_in_a_sane_range, no_theme_id_reused_for_another_subject,
                daily_assignment_agrees_with_refit]
