"""Quarter strings: parsing and the quarters a report compares against."""

from __future__ import annotations

from datetime import date

import pytest

from reports.quarters import Quarter, QuarterFormatError


@pytest.mark.parametrize("text", ["2025Q4", "2025q4", "2025-Q4", " 2025Q4 "])
def test_a_quarter_is_read_in_its_usual_spellings(text: str) -> None:
    assert Quarter.parse(text).key == "2025Q4"


@pytest.mark.parametrize("text", ["2025Q0", "2025Q5", "Q4 2025", "25Q4", "2025", ""])
def test_anything_else_is_rejected_naming_the_flag_and_the_format(text: str) -> None:
    with pytest.raises(QuarterFormatError, match=r"--quarter .* is not a quarter; write it as YYYYQn"):
        Quarter.parse(text)


def test_the_first_quarter_compares_with_the_last_quarter_of_the_year_before() -> None:
    q = Quarter.parse("2025Q1")
    assert (q.previous.key, q.year_ago.key) == ("2024Q4", "2024Q1")
    assert (q.start, q.end) == (date(2025, 1, 1), date(2025, 4, 1))


def test_the_fourth_quarter_ends_on_new_years_day() -> None:
    assert Quarter.parse("2025Q4").end == date(2026, 1, 1)
    assert Quarter.containing(date(2025, 12, 31)).key == "2025Q4"
