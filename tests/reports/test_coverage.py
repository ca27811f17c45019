"""Which quarters a report may compare: the coverage rule on sources' spans (pure, no warehouse)."""

from __future__ import annotations

from datetime import date

from reports.coverage import Coverage, Defaulted, SourceSpan
from reports.quarters import Quarter

Q1, Q2, Q3, Q4 = (Quarter(2024, n) for n in (1, 2, 3, 4))


def test_a_source_starting_mid_quarter_covers_only_the_quarters_after() -> None:
    cov = Coverage([SourceSpan("reviews", date(2024, 2, 15), date(2024, 12, 30), 500)])
    assert [cov.covers(q) for q in (Q1, Q2, Q3, Q4)] == [False, True, True, True]
    assert not cov.comparable(Q2, Q1)
    assert cov.comparable(Q3, Q2)
    assert cov.gap(Q2, Q1) == "2024Q1 is only partly covered (reviews: 2024-02-15 to 2024-12-30)"


def test_a_quiet_first_or_last_week_is_not_a_gap_but_eight_days_are() -> None:
    assert SourceSpan("a", date(2024, 4, 8), date(2024, 6, 23), 10, grace_days=7).covers(Q2)
    assert not SourceSpan("a", date(2024, 4, 9), date(2024, 6, 30), 10, grace_days=7).covers(Q2)
    assert not SourceSpan("a", date(2024, 4, 1), date(2024, 6, 22), 10, grace_days=7).covers(Q2)


def test_a_source_that_ends_makes_both_quarters_around_its_end_incomparable_for_every_source() -> None:
    cov = Coverage([SourceSpan("ios", date(2024, 1, 1), date(2024, 8, 9), 300),
                    SourceSpan("android", date(2024, 1, 1), date(2024, 12, 31), 300)])
    assert cov.comparable(Q2, Q1)
    assert not cov.comparable(Q3, Q2)
    assert not cov.comparable(Q4, Q3)
    assert cov.gap(Q3, Q2) == "2024Q3 is only partly covered (ios: 2024-01-01 to 2024-08-09)"
    assert cov.gap(Q4, Q3) == "2024Q3 is only partly covered and 2024Q4 is only partly covered " \
                              "(ios: 2024-01-01 to 2024-08-09)"


def test_a_source_starting_on_a_quarter_boundary_still_blocks_the_comparison_with_the_quarter_before() -> None:
    cov = Coverage([SourceSpan("old", date(2024, 1, 1), date(2024, 12, 31), 300),
                    SourceSpan("new app", date(2024, 4, 1), date(2024, 12, 31), 300)])
    assert cov.covers(Q2)
    assert not cov.comparable(Q2, Q1)
    assert cov.gap(Q2, Q1) == "2024Q1 is only partly covered (new app: 2024-04-01 to 2024-12-31)"


def test_a_quarter_without_any_source_is_neither_covered_nor_comparable() -> None:
    cov = Coverage([SourceSpan("reviews", date(2024, 4, 1), date(2024, 9, 30), 100)])
    assert not cov.covers(Q1)
    assert cov.gap(Q2, Q1) == "no source has data in 2024Q1 (reviews: 2024-04-01 to 2024-09-30)"


def test_only_the_defaulted_inputs_of_a_figure_mark_it() -> None:
    cov = Coverage([], [Defaulted("app store", "tickets", "solved_at", "created_at", 535)])
    assert cov.defaulted_inputs(("tickets.status", "tickets.solved_at")) == cov.defaulted
    assert cov.defaulted_inputs(("satisfaction_ratings.score",)) == []
