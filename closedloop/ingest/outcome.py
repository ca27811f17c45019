"""What a load did: per entity (:class:`EntityReport`) and per run (:class:`LoadReport`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from closedloop.ingest.tally import Tally


@dataclass
class EntityReport:
    """What loading one entity did.

    Attributes:
        entity: Entity name.
        files: Files read.
        rows_read: Records read from the files.
        rows_valid: Rows that passed validation (an audit record may hold several events).
        rows_skipped: Records that map to no row: blank lines, audits with no field change or comment,
            users who are end users.
        rows_quarantined: Records rejected (each may have several reasons).
        rows_in_table: Rows in the raw table after the merge.
        rows_added: Net rows added to the raw table by this load.
        seconds: Wall time.
        reasons: Quarantine reason counts by ``field: reason kind``.
        error: Why the entity did not load (a file that cannot be read), or None; nothing of it was merged.
        tally: Values filled by a default rule or emptied, per file, source and column.
        warnings: What the user should look at: no file matched, references emptied.
    """

    entity: str
    files: list[Path] = field(default_factory=list)
    rows_read: int = 0
    rows_valid: int = 0
    rows_skipped: int = 0
    rows_quarantined: int = 0
    rows_in_table: int = 0
    rows_added: int = 0
    seconds: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    tally: Tally = field(default_factory=Tally)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for logs and the CLI."""
        if self.error:
            return f"raw_{self.entity}: NOT LOADED, nothing of it merged: {self.error}"
        return (f"raw_{self.entity}: {self.rows_read:,} read from {len(self.files)} file(s), "
                f"{self.rows_valid:,} valid, {self.rows_quarantined:,} quarantined, "
                + (f"{self.rows_skipped:,} skipped, " if self.rows_skipped else "") +
                f"{self.rows_in_table:,} in table ({self.rows_added:+,}) in {self.seconds:.1f}s"
                + self._filled())

    def _filled(self) -> str:
        """``; defaulted status 3, channel 3; emptied group_id 3`` (raw.source_defaults has the rules)."""
        parts: dict[str, list[str]] = {}
        for (column, rule), rows in sorted(self.tally.by_column().items()):
            parts.setdefault("emptied" if rule.startswith("emptied") else "defaulted", []).append(f"{column} {rows:,}")
        return "".join(f"; {what} {', '.join(columns)}" for what, columns in sorted(parts.items()))


@dataclass
class LoadReport:
    """What :func:`load_all` did, per entity."""

    entities: dict[str, EntityReport] = field(default_factory=dict)

    @property
    def rows_quarantined(self) -> int:
        """Records quarantined across entities."""
        return sum(r.rows_quarantined for r in self.entities.values())

    @property
    def errors(self) -> list[str]:
        """Why each entity that did not load failed (the file and the reason)."""
        return [f"raw_{name}: {r.error}" for name, r in self.entities.items() if r.error]

    @property
    def partial(self) -> bool:
        """Whether some entity did not load (the others did)."""
        return bool(self.errors)
