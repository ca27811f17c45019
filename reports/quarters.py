"""Calendar quarters as the report names them: ``2025Q4``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from closedloop.core.errors import ClosedloopError

QUARTER_PATTERN = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)


class QuarterFormatError(ClosedloopError):
    """A quarter string that is not ``YYYYQn``."""


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter.

    Attributes:
        year: Calendar year, e.g. 2025.
        number: Quarter of the year, 1-4.
    """

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read ``2025Q4`` (also ``2025-Q4``, ``2025q4``).

        Raises:
            QuarterFormatError: The text is not a quarter.
        """
        match = QUARTER_PATTERN.match(text.strip())
        if not match:
            raise QuarterFormatError(f"--quarter {text!r} is not a quarter; write it as YYYYQn, e.g. 2025Q4")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: date) -> Quarter:
        """The quarter ``day`` falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def key(self) -> str:
        """``2025Q4``, as ``dim_calendar.quarter_key`` spells it."""
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> date:
        """First day of the quarter."""
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """First day of the next quarter (exclusive end)."""
        return self.next.start

    @property
    def next(self) -> Quarter:
        """The quarter after this one."""
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    @property
    def previous(self) -> Quarter:
        """The quarter before this one."""
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @property
    def year_ago(self) -> Quarter:
        """The same quarter a year earlier."""
        return Quarter(self.year - 1, self.number)

    def __str__(self) -> str:
        return self.key
