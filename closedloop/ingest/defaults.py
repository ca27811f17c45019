"""What a source cannot provide: the default rules of the generic connector, and where they are recorded.

A review, survey answer or community post has an id, a timestamp and text; it has no help-desk
status, channel or solve time. Its source's ``kind`` (``closedloop-sources.yml``) says which
columns are filled by rule when the mapping leaves them out. Every value filled by a rule (or by a
constant of the mapping's ``defaults:``) is counted per file, source name and column in
``raw.source_defaults``, so the marts (``marts.dim_source_defaults``) and the report can mark a
metric whose inputs were defaulted.

Rules for ``tickets`` (``{col}`` is the mapped value, NULL when the file has none):

* every kind: ``updated_at`` = ``solved_at``, else ``created_at`` (the record's version: a source
  without updates has one version);
* ``review``, ``survey``, ``community``: ``status`` = ``solved`` (the marts count resolved tickets
  only, and a review is complete when it is posted), ``channel`` = the kind, ``solved_at`` =
  ``created_at`` while the status is solved or closed.

A help desk (``kind: helpdesk``, the default) exports its status and channel, so they stay required.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("helpdesk", "review", "survey", "community")
"""Kinds of feedback source; the last three are also ticket channels (``schema.CHANNELS``)."""

FEEDBACK_KINDS = KINDS[1:]

TEXT_COLUMNS = ("subject", "body")
"""A feedback source must map one of these: the text themes are found in."""

SOURCE_DEFAULTS_DDL = """CREATE TABLE IF NOT EXISTS raw.source_defaults (
  table_name VARCHAR,
  source_file VARCHAR,
  source_name VARCHAR,
  column_name VARCHAR,
  default_rule VARCHAR,
  rows BIGINT,
  loaded_at TIMESTAMP
)"""
"""One row per raw table, export file, source name and column whose values a load filled by rule."""


@dataclass(frozen=True)
class DefaultRule:
    """How one canonical column is filled when a record has no value for it.

    Attributes:
        column: Canonical column.
        sql: SQL over the mapped, trimmed text columns, ``{name}`` standing for column ``name``.
        text: The rule as ``raw.source_defaults.default_rule`` states it.
    """

    column: str
    sql: str
    text: str


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def constant_rule(column: str, value: str) -> DefaultRule:
    """The rule of a constant from the mapping's ``defaults:``."""
    sql = _quoted(value).replace("{", "{{").replace("}", "}}")  # the rule's SQL is a format string
    return DefaultRule(column, sql, f"constant '{value}' (defaults: in closedloop-sources.yml)")


def kind_rules(entity: str, kind: str) -> dict[str, DefaultRule]:
    """The rules a source of ``kind`` gets for ``entity``'s columns (see the module docstring)."""
    if entity != "tickets":
        return {}
    rules = {"updated_at": DefaultRule("updated_at", "coalesce({solved_at}, {created_at})",
                                       "solved_at, else created_at (the export has no updated_at)")}
    if kind in FEEDBACK_KINDS:
        rules["status"] = DefaultRule("status", "'solved'", f"'solved': a {kind} is complete when posted")
        rules["channel"] = DefaultRule("channel", _quoted(kind), f"'{kind}': the kind of the source")
        rules["solved_at"] = DefaultRule(
            "solved_at", "CASE WHEN coalesce({status}, 'solved') IN ('solved', 'closed') THEN {created_at} END",
            f"created_at: a {kind} is resolved when posted")
    return rules


def source_name_of(files: tuple[str, ...], fallback: str) -> str:
    """The name of a source whose mapping names none: the folder of its first file pattern, else ``fallback``.

    ``appstore/reviews*.csv`` is the source ``appstore``; ``reviews.csv`` is ``fallback`` (the kind
    of a generic source, the connector otherwise).
    """
    for pattern in files:
        folder = pattern.split("/", 1)[0] if "/" in pattern else ""
        if folder and not any(ch in folder for ch in "*?[]"):
            return folder
    return fallback


def rules_of(entity: str, connector: str, kind: str, constants: dict[str, str]) -> dict[str, DefaultRule]:
    """Every default rule of one source: its kind's rules (generic connector only), then its constants."""
    rules = kind_rules(entity, kind) if connector == "generic" else {}
    rules.update((column, constant_rule(column, value)) for column, value in constants.items())
    return rules
