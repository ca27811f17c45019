"""Canonical raw tables: the contract between connectors and dbt.

Every connector (Zendesk, Jira, generic CSV/Parquet/JSONL) produces rows with these columns;
validation, quarantine and the idempotent merge are shared. dbt reads these tables as sources
(schema ``raw``). Unredacted text lives only here: the ``*_redacted`` columns are what leaves
the raw layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from closedloop.core.redact import redact_sql
from closedloop.ingest.defaults import SOURCE_DEFAULTS_DDL


@dataclass(frozen=True)
class Column:
    """One canonical column.

    Attributes:
        name: Column name in the raw table.
        type: DuckDB type (``VARCHAR``, ``TIMESTAMP``, ``DOUBLE``, ``INTEGER``, ``BOOLEAN``).
        required: Rows without a value are quarantined.
        enum: Allowed values (after normalisation); other values are quarantined.
        redact: Free text that gets a ``<name>_redacted`` twin with personal data replaced. Only
            the twin leaves the raw layer.
        verbatim_if: SQL condition on the row under which the value is a code or id that the
            redacted twin keeps as it is (audit values of status or group changes), or None.
            ``{name}`` in it stands for the column.
        description: What the column means, for docs and dbt.
        range: Lowest and highest allowed number (inclusive), or None.
        planned: A date that may lie ahead (a holiday on next year's calendar): it is checked against
            the window's lower end only, never against "now + ahead".
    """

    name: str
    type: str = "VARCHAR"
    required: bool = False
    enum: tuple[str, ...] | None = None
    redact: bool = False
    verbatim_if: str | None = None
    description: str = ""
    range: tuple[float, float] | None = None
    planned: bool = False


@dataclass(frozen=True)
class Reference:
    """A column that names a row of another raw table (a dbt relationships test downstream relies on it).

    Attributes:
        column: The referring column.
        parent: Entity whose key it names.
        always: Checked even when the parent table is empty. When False, the reference is checked
            only once the parent table holds rows, so a help desk whose groups or agents are not
            exported still loads its tickets.
    """

    column: str
    parent: str
    always: bool = True


@dataclass(frozen=True)
class Entity:
    """A canonical raw table.

    Attributes:
        name: Entity name; the table is ``raw.<name>`` and the Dagster asset ``raw_<name>``.
        key: Primary key column.
        version: Column that orders versions of one key (latest wins), or None.
        columns: Canonical columns, key first.
        checks: Pairs of (later, earlier) timestamp columns that must not go backwards.
        description: Grain of the table.
        references: Columns that must name a loaded row of another table.
        calendar: Its dates are counted by day in the marts, so they must lie in the dbt calendar.
        singular: What one row is, in quarantine reasons ("not a loaded ticket").
    """

    name: str
    key: str
    version: str | None
    columns: tuple[Column, ...]
    checks: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    description: str = ""
    references: tuple[Reference, ...] = ()
    calendar: bool = False
    singular: str = "row"

    @property
    def table(self) -> str:
        """Fully qualified raw table name."""
        return f"raw.{self.name}"

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


CHANNELS = ("chat", "email", "in_app", "social", "phone", "review", "survey", "community")
"""Help-desk channels, then the kinds of feedback source (:data:`closedloop.ingest.defaults.KINDS`)."""
PRIORITIES = ("low", "normal", "high", "urgent")
STATUSES = ("new", "open", "pending", "hold", "solved", "closed")

#: Audit fields whose values are codes or ids; any other field's value is free text. A value of one
#: of them is kept verbatim only when it is one token of letters, digits, "_" or "-" (no e-mail or
#: formatted phone number can pass), so ids that look like card or phone numbers stay intact.
CODE_FIELDS = ("status", "priority", "group_id", "assignee_id", "type")
_CODE_FIELD = ("field_name IN (" + ", ".join(f"'{f}'" for f in CODE_FIELDS) + ") "
               "AND regexp_full_match({name}, '[A-Za-z0-9_\\-]{{1,64}}')")

TICKETS = Entity(
    name="tickets",
    key="ticket_id",
    version="updated_at",
    description="One row per help-desk ticket, latest version.",
    columns=(
        Column("ticket_id", required=True, description="Help-desk ticket id."),
        Column("created_at", "TIMESTAMP", required=True),
        Column("updated_at", "TIMESTAMP", required=True),
        Column("solved_at", "TIMESTAMP", description="When the ticket was (last) solved."),
        Column("subject", redact=True),
        Column("body", redact=True, description="First message from the requester."),
        Column("status", required=True, enum=STATUSES),
        Column("priority", enum=PRIORITIES),
        Column("channel", required=True, enum=CHANNELS),
        Column("language", description="ISO 639-1 code from the help desk, if it has one."),
        Column("requester_id"),
        Column("assignee_id"),
        Column("group_id"),
        Column("tags", redact=True, description="JSON array of tags."),
        Column("backlog_key", description="Tracker key linked from the help desk."),
        Column("security_flagged_at", "TIMESTAMP"),
        Column("security_action"),
        Column("security_actioned_at", "TIMESTAMP"),
        Column("recovery_asset"),
        Column("recovery_amount", "DOUBLE"),
        Column("recovery_method", enum=("automatic", "manual")),
        Column("recovery_status", enum=("recovered", "unrecoverable", "pending")),
        Column("recovered_at", "TIMESTAMP"),
        Column("source_name", description="The feedback source (app, brand, product): a constant of the mapping, "
                                          "a column, or the folder of its files."),
        Column("rating", "INTEGER", range=(1, 5),
               description="1-5 answer given with the feedback itself (a review's stars, a survey's CSAT question); "
                           "staging turns it into a satisfaction rating of the ticket."),
    ),
    checks=(
        ("updated_at", "created_at"),
        ("solved_at", "created_at"),
        ("security_actioned_at", "security_flagged_at"),
    ),
    references=(Reference("group_id", "groups", always=False), Reference("assignee_id", "agents", always=False)),
    calendar=True,
    singular="ticket",
)

TICKET_EVENTS = Entity(
    name="ticket_events",
    key="event_id",
    version=None,
    description="One row per ticket audit event (field change or comment).",
    columns=(
        Column("event_id", required=True),
        Column("audit_id", required=True),
        Column("ticket_id", required=True),
        Column("created_at", "TIMESTAMP", required=True),
        Column("author_id"),
        Column("event_type", required=True, enum=("create", "change", "comment")),
        Column("field_name", description="status, group_id, assignee_id, priority (create/change)."),
        Column("value", redact=True, verbatim_if=_CODE_FIELD,
               description="New value of the field; free text unless the field holds a code or an id."),
        Column("previous_value", redact=True, verbatim_if=_CODE_FIELD),
        Column("is_public", "BOOLEAN", description="Comments: visible to the requester."),
    ),
    references=(Reference("ticket_id", "tickets"),),
    calendar=True,
    singular="ticket event",
)

SATISFACTION_RATINGS = Entity(
    name="satisfaction_ratings",
    key="rating_id",
    version="updated_at",
    description="One row per satisfaction survey sent, latest version.",
    columns=(
        Column("rating_id", required=True),
        Column("ticket_id", required=True),
        Column("score", required=True, enum=("offered", "good", "bad")),
        Column("rating", "INTEGER", description="1-5 answer; null while only offered.", range=(1, 5)),
        Column("comment", redact=True),
        Column("assignee_id"),
        Column("requester_id"),
        Column("created_at", "TIMESTAMP", required=True),
        Column("updated_at", "TIMESTAMP", required=True),
    ),
    checks=(("updated_at", "created_at"),),
    references=(Reference("ticket_id", "tickets"),),
    calendar=True,
    singular="satisfaction rating",
)

QA_AUDITS = Entity(
    name="qa_audits",
    key="audit_id",
    version=None,
    description="One row per QA review of a ticket.",
    columns=(
        Column("audit_id", required=True),
        Column("ticket_id", required=True),
        Column("agent_id", required=True),
        Column("reviewer_id"),
        Column("reviewed_at", "TIMESTAMP", required=True),
        Column("tone_score", "DOUBLE", required=True, range=(0, 100)),
        Column("accuracy_score", "DOUBLE", required=True, range=(0, 100)),
        Column("compliance_score", "DOUBLE", required=True, range=(0, 100)),
        Column("resolution_score", "DOUBLE", required=True, range=(0, 100)),
        Column("comment", redact=True),
    ),
    references=(Reference("ticket_id", "tickets"), Reference("agent_id", "agents", always=False)),
    calendar=True,
    singular="QA review",
)

BACKLOG_ITEMS = Entity(
    name="backlog_items",
    key="item_id",
    version="updated_at",
    description="One row per product backlog item (epic, story, bug, task), latest version.",
    columns=(
        Column("item_id", required=True, description="Tracker key, e.g. EX-123."),
        Column("item_type", required=True, enum=("epic", "story", "bug", "task")),
        Column("summary", redact=True),
        Column("description", redact=True),
        Column("status", required=True),
        Column("status_category", required=True, enum=("new", "indeterminate", "done")),
        Column("priority"),
        Column("created_at", "TIMESTAMP", required=True),
        Column("updated_at", "TIMESTAMP", required=True),
        Column("shipped_at", "TIMESTAMP", description="Resolution date of a done item."),
        Column("labels", redact=True, description="JSON array."),
        Column("components", redact=True, description="JSON array of component names."),
        Column("parent_key"),
        Column("helpdesk_links", redact=True, description="Help-desk link field, raw text."),
    ),
    checks=(("updated_at", "created_at"), ("shipped_at", "created_at")),
    singular="backlog item",
)

AGENTS = Entity(
    name="agents",
    key="agent_id",
    version=None,
    description="One row per help-desk agent (or bot).",
    columns=(
        Column("agent_id", required=True),
        Column("name"),
        Column("role"),
        Column("default_group_id"),
        Column("is_bot", "BOOLEAN"),
        Column("is_active", "BOOLEAN"),
        Column("created_at", "TIMESTAMP"),
    ),
    singular="agent",
)

GROUPS = Entity(
    name="groups",
    key="group_id",
    version=None,
    description="One row per help-desk group (a support tier in the demo).",
    columns=(
        Column("group_id", required=True),
        Column("name", required=True),
        Column("created_at", "TIMESTAMP"),
    ),
    singular="group",
)

SCHEDULES = Entity(
    name="schedules",
    key="schedule_id",
    version=None,
    description="One row per business-hours schedule of the help desk (Zendesk: business_hours/schedules).",
    columns=(
        Column("schedule_id", required=True),
        Column("name"),
        Column("time_zone", required=True, description="IANA time zone the intervals are in."),
        Column("intervals", description="JSON array of {start_time, end_time}: minutes since Sunday 00:00."),
        Column("created_at", "TIMESTAMP"),
        Column("updated_at", "TIMESTAMP"),
    ),
)

SCHEDULE_HOLIDAYS = Entity(
    name="schedule_holidays",
    key="holiday_id",
    version=None,
    description="One row per holiday of one schedule (a closed date range, both ends included).",
    columns=(
        Column("holiday_id", required=True),
        Column("schedule_id", required=True),
        Column("name"),
        Column("start_date", "TIMESTAMP", required=True, planned=True, description="First closed day (a date)."),
        Column("end_date", "TIMESTAMP", required=True, planned=True, description="Last closed day (a date)."),
    ),
    checks=(("end_date", "start_date"),),
)

SLA_POLICIES = Entity(
    name="sla_policies",
    key="policy_id",
    version=None,
    description="One row per SLA policy, in the help desk's matching order (Zendesk: slas/policies).",
    columns=(
        Column("policy_id", required=True),
        Column("title"),
        Column("position", "INTEGER", description="Matching order: the first policy whose filter matches applies."),
        Column("filter", description="JSON object {all: [conditions], any: [conditions]}."),
        Column("policy_metrics", description="JSON array of {priority, metric, target, business_hours}."),
        Column("created_at", "TIMESTAMP"),
        Column("updated_at", "TIMESTAMP"),
    ),
)

GROUP_TIERS = Entity(
    name="group_tiers",
    key="group_name",
    version=None,
    description="One row per help-desk group the account's configuration puts in a support tier "
                "(closedloop-sources.yml, account: tiers).",
    columns=(
        Column("group_name", required=True),
        Column("tier", required=True, description="A tier of the dbt seed support_tiers."),
        Column("schedule_id", description="The schedule (id or name) the tier works; empty: the seed's."),
    ),
)

ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (TICKETS, TICKET_EVENTS, SATISFACTION_RATINGS, QA_AUDITS, BACKLOG_ITEMS, AGENTS, GROUPS,
              SCHEDULES, SCHEDULE_HOLIDAYS, SLA_POLICIES, GROUP_TIERS)
}

BOOKKEEPING = (
    ("source_file", "VARCHAR"),
    ("source_line", "BIGINT"),
    ("loaded_at", "TIMESTAMP"),
)


def table_ddl(entity: Entity) -> str:
    """Return ``CREATE TABLE IF NOT EXISTS`` for an entity's raw table."""
    cols: list[str] = []
    for col in entity.columns:
        cols.append(f"{col.name} {col.type}")
        if col.redact:
            cols.append(f"{col.name}_redacted VARCHAR")
    cols += [f"{name} {typ}" for name, typ in BOOKKEEPING]
    return f"CREATE TABLE IF NOT EXISTS {entity.table} (\n  " + ",\n  ".join(cols) + "\n)"


def redacted_sql(col: Column) -> str:
    """SQL expression of ``<col>_redacted`` over a row that has the entity's columns by name."""
    if col.verbatim_if is None:
        return redact_sql(col.name)
    condition = col.verbatim_if.format(name=col.name)
    return f"CASE WHEN {condition} THEN {col.name} ELSE {redact_sql(col.name)} END"


def migrate_sql(entity: Entity) -> list[str]:
    """Add the columns an older raw table lacks (``source_name``...), and fill the ``*_redacted`` ones.

    Every statement is a no-op on an up-to-date table (a redacted twin is NULL only when its
    original is).
    """
    statements = [f"ALTER TABLE {entity.table} ADD COLUMN IF NOT EXISTS {c.name} {c.type}" for c in entity.columns]
    for col in entity.columns:
        if col.redact:
            statements += [
                f"ALTER TABLE {entity.table} ADD COLUMN IF NOT EXISTS {col.name}_redacted VARCHAR",
                f"UPDATE {entity.table} SET {col.name}_redacted = {redacted_sql(col)} "
                f"WHERE {col.name}_redacted IS NULL AND {col.name} IS NOT NULL",
            ]
    return statements


QUARANTINE_DDL = ("CREATE TABLE IF NOT EXISTS raw.quarantine (entity VARCHAR, source_file VARCHAR, source_line BIGINT, "
                  "field VARCHAR, reason VARCHAR, record VARCHAR, loaded_at TIMESTAMP)")


def create_all_sql() -> list[str]:
    """Statements that create the raw schema, every raw table (or bring it up to date) and the quarantine."""
    return ["CREATE SCHEMA IF NOT EXISTS raw", *(table_ddl(e) for e in ENTITIES.values()),
            *(stmt for e in ENTITIES.values() for stmt in migrate_sql(e)), QUARANTINE_DDL, SOURCE_DEFAULTS_DDL]
