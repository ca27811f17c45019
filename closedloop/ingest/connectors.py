"""Connectors: the SQL that maps a batch of records to the canonical columns of an entity.

The files are read by :mod:`closedloop.ingest.readers` (Arrow batches, each record with its
1-based ``source_line``); a connector (zendesk, jira, generic) gives the SQL that maps a batch to
the canonical columns, as text. Validation, typing, redaction and the merge are shared (see
:mod:`closedloop.ingest.load`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from closedloop.core.errors import UnreadableFileError
from closedloop.ingest.config import SourceSpec
from closedloop.ingest.defaults import rules_of, source_name_of
from closedloop.ingest.schema import ENTITIES

ZENDESK_CHANNELS = {
    "chat": "chat",
    "native_messaging": "chat",
    "email": "email",
    "web": "in_app",
    "mobile_sdk": "in_app",
    "mobile": "in_app",
    "twitter": "social",
    "facebook": "social",
    "instagram_dm": "social",
    "whatsapp": "social",
    "voice": "phone",
}
JIRA_TYPES = {"epic": "epic", "story": "story", "bug": "bug", "task": "task", "sub-task": "task", "subtask": "task"}


def _q(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _case_map(expr: str, mapping: dict[str, str]) -> str:
    whens = " ".join(f"WHEN {_q(k)} THEN {_q(v)}" for k, v in sorted(mapping.items()))
    return f"CASE lower({expr}) {whens} ELSE {expr} END"


class _Shape:
    """Builds one ``from_json`` structure per document, so each JSON line is parsed exactly once.

    ``shape("$.via.channel")`` registers the path and returns the SQL that reads it from the
    parsed struct. Malformed lines parse to NULL (``try``) and are quarantined by the loader.
    """

    def __init__(self, doc: str) -> None:
        self.doc = doc
        self.tree: dict[str, Any] = {}

    def __call__(self, path: str, kind: Any = "VARCHAR") -> str:
        keys = path.removeprefix("$.").split(".")
        node = self.tree
        for key in keys[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                raise ValueError(f"{path}: {key} is both a value and an object")
        node.setdefault(keys[-1], kind)
        return f"__{self.doc}" + "".join(f"[{_q(k)}]" for k in keys)

    def select(self) -> str:
        """The ``try(from_json(...)) AS __<doc>`` select item."""
        return f"try(from_json({self.doc}, {_q(json.dumps(self.tree))})) AS __{self.doc}"


def mapping_sql(spec: SourceSpec, batch: str, is_json: bool) -> str:
    """SQL selecting ``source_line``, ``record`` and every canonical column (as text) from ``batch``.

    For JSON batches each line is parsed once; ``__malformed`` marks lines that are not JSON
    objects (they come out once, with every canonical column NULL).
    """
    entity = ENTITIES[spec.entity]
    if spec.connector == "zendesk":
        exprs, from_sql = _zendesk(spec, batch)
    elif spec.connector == "jira":
        exprs, from_sql = _jira(batch)
    else:
        exprs, from_sql = _generic(spec, batch, is_json)
    if spec.entity == "tickets" and "source_name" not in exprs:
        exprs["source_name"] = _q(spec.source_name or source_name_of(
            spec.files, spec.kind if spec.connector == "generic" else spec.connector))
    malformed = "(__line IS NULL OR NOT starts_with(ltrim(line), '{'))" if is_json else "false"
    ragged = "NULL" if is_json else "__ragged"
    raw = ["source_line", f"{malformed} AS __malformed", f"{ragged} AS __ragged"]
    selects = ["source_line", "__malformed", "__ragged"]
    rules = rules_of(spec.entity, spec.connector, spec.kind, spec.defaults)
    trimmed = {col.name: _trimmed(col.name) for col in entity.columns}
    for col in entity.columns:
        expr = exprs.get(col.name, "NULL")
        if col.name in spec.values:
            expr = _case_map(f"CAST({expr} AS VARCHAR)", spec.values[col.name])
        raw.append(f"CAST({expr} AS VARCHAR) AS {col.name}")
        expr = trimmed[col.name]
        if col.name in rules:
            selects.append(f"({expr} IS NULL) AS __defaulted_{col.name}")
            expr = f"coalesce({expr}, {rules[col.name].sql.format(**trimmed)})"
        selects.append(f"{expr} AS {col.name}")
    return f"SELECT {', '.join(selects)} FROM (SELECT {', '.join(raw)} FROM {from_sql})"


def _trimmed(column: str) -> str:
    """``nullif(trim(column), '')``, calling trim only on values that start or end with a space.

    DuckDB's trim removes Unicode space separators (category Zs) and decodes the whole string to
    find them at the end, which costs seconds on a million ticket bodies. Both regexes are
    anchored, so RE2 looks only at the first or last character.
    """
    needs_trim = rf"regexp_matches({column}, '^\p{{Zs}}') OR regexp_matches({column}, '\p{{Zs}}$')"
    return f"nullif(CASE WHEN {needs_trim} THEN trim({column}) ELSE {column} END, '')"


def record_sql(spec: SourceSpec, batch: str, is_json: bool) -> str:
    """SQL selecting ``source_line`` and the original record as text, for quarantined rows."""
    if is_json:
        return f"SELECT source_line, line AS record FROM {batch}"
    columns = sorted(c for c in spec.columns.values())
    fields = ", ".join(f"{_ident(c)} := {_ident(c)}" for c in dict.fromkeys(columns))
    return f"SELECT source_line, CAST(to_json(struct_pack({fields})) AS VARCHAR) AS record FROM {batch}"


def _zendesk(spec: SourceSpec, batch: str) -> tuple[dict[str, str], str]:
    mapping = _ZENDESK.get(spec.entity)
    if mapping is None:
        raise UnreadableFileError(spec.entity, f"the zendesk connector does not read {spec.entity}; "
                                               "use the generic connector")
    return mapping(spec, batch)


def _zendesk_tickets(spec: SourceSpec, batch: str) -> tuple[dict[str, str], str]:
    js = _Shape("line")
    exprs = {
        "ticket_id": js("$.id"),
        "created_at": js("$.created_at"),
        "updated_at": js("$.updated_at"),
        "solved_at": js("$.metric_set.solved_at"),
        "subject": js("$.subject"),
        "body": f"coalesce({js('$.description')}, {js('$.raw_subject')})",
        "status": f"lower({js('$.status')})",
        "priority": f"coalesce(lower({js('$.priority')}), 'normal')",
        "channel": _case_map(js("$.via.channel"), ZENDESK_CHANNELS),
        "requester_id": js("$.requester_id"),
        "assignee_id": js("$.assignee_id"),
        "group_id": js("$.group_id"),
        "tags": js("$.tags", "JSON"),
    }
    fields = js("$.custom_fields", [{"id": "VARCHAR", "value": "VARCHAR"}])
    for column, cf_id in spec.custom_fields.items():
        exprs[column] = f"{fields}[list_position(__cf_ids, {_q(str(cf_id))})]['value']"
    parsed = f"SELECT *, {js.select()} FROM {batch}"
    return exprs, f"(SELECT *, list_transform({fields}, lambda f: f['id']) AS __cf_ids FROM ({parsed}))"


def _zendesk_events(spec: SourceSpec, batch: str) -> tuple[dict[str, str], str]:
    js, ev = _Shape("line"), _Shape("ev")
    exprs = {
        "event_id": ev("$.id"),
        "audit_id": js("$.id"),
        "ticket_id": js("$.ticket_id"),
        "created_at": js("$.created_at"),
        "author_id": f"coalesce({ev('$.author_id')}, {js('$.author_id')})",
        "event_type": f"lower({ev('$.type')})",
        "field_name": ev("$.field_name"),
        "value": ev("$.value"),
        "previous_value": ev("$.previous_value"),
        "is_public": ev("$.public"),
    }
    events = js("$.events", ["JSON"])
    # An audit with no events (or events that are not objects) comes out once, with no event: quarantined.
    unnested = (f"SELECT source_line, line, __line, unnest(CASE WHEN __line IS NULL OR len(coalesce({events}, [])) "
                f"= 0 THEN [NULL::JSON] ELSE {events} END) AS ev FROM ({{inner}})")
    inner = f"SELECT *, {js.select()} FROM {batch}"
    from_sql = (f"(SELECT *, {ev.select()} FROM ({unnested.format(inner=inner)})) "
                f"WHERE __line IS NULL OR __ev IS NULL OR lower({ev('$.type')}) IN ('create', 'change', 'comment')")
    return exprs, from_sql


def _zendesk_ratings(spec: SourceSpec, batch: str) -> tuple[dict[str, str], str]:
    js = _Shape("line")
    keys = ("ticket_id", "assignee_id", "requester_id", "created_at", "updated_at", "comment", "rating")
    exprs = {k: js(f"$.{k}") for k in keys}
    exprs["rating_id"] = js("$.id")
    exprs["score"] = f"lower({js('$.score')})"
    return exprs, f"(SELECT *, {js.select()} FROM {batch})"


def _zendesk_agents(spec: SourceSpec, batch: str) -> tuple[dict[str, str], str]:
    js = _Shape("line")
    exprs = {
        "agent_id": js("$.id"),
        "name": js("$.name"),
        "role": js("$.role"),
        "default_group_id": js("$.default_group_id"),
        "is_bot": f"coalesce({js('$.user_fields.is_bot')}, 'false')",
        "is_active": f"coalesce({js('$.active')}, 'true')",
        "created_at": js("$.created_at"),
    }
    agents_only = f"WHERE coalesce({js('$.role')}, 'agent') <> 'end-user'"
    return exprs, f"(SELECT *, {js.select()} FROM {batch}) {agents_only}"


def _zendesk_groups(spec: SourceSpec, batch: str) -> tuple[dict[str, str], str]:
    js = _Shape("line")
    exprs = {"group_id": js("$.id"), "name": js("$.name"), "created_at": js("$.created_at")}
    return exprs, f"(SELECT *, {js.select()} FROM {batch})"


def _zendesk_schedules(spec: SourceSpec, batch: str) -> tuple[dict[str, str], str]:
    """A schedule of ``GET /api/v2/business_hours/schedules``; its intervals stay one JSON array."""
    js = _Shape("line")
    keys = ("name", "time_zone", "created_at", "updated_at")
    exprs = {k: js(f"$.{k}") for k in keys}
    exprs["schedule_id"] = js("$.id")
    exprs["intervals"] = js("$.intervals", "JSON")
    return exprs, f"(SELECT *, {js.select()} FROM {batch})"


def _zendesk_holidays(spec: SourceSpec, batch: str) -> tuple[dict[str, str], str]:
    """A holiday of ``GET /api/v2/business_hours/schedules/{id}/holidays``, with its ``schedule_id`` added."""
    js = _Shape("line")
    exprs = {k: js(f"$.{k}") for k in ("schedule_id", "name", "start_date", "end_date")}
    exprs["holiday_id"] = js("$.id")
    return exprs, f"(SELECT *, {js.select()} FROM {batch})"


def _zendesk_sla_policies(spec: SourceSpec, batch: str) -> tuple[dict[str, str], str]:
    """A policy of ``GET /api/v2/slas/policies``; its filter and metrics stay JSON for dbt."""
    js = _Shape("line")
    exprs = {k: js(f"$.{k}") for k in ("title", "position", "created_at", "updated_at")}
    exprs["policy_id"] = js("$.id")
    exprs["filter"] = js("$.filter", "JSON")
    exprs["policy_metrics"] = js("$.policy_metrics", "JSON")
    return exprs, f"(SELECT *, {js.select()} FROM {batch})"


_ZENDESK: dict[str, Callable[[SourceSpec, str], tuple[dict[str, str], str]]] = {
    "tickets": _zendesk_tickets, "ticket_events": _zendesk_events, "satisfaction_ratings": _zendesk_ratings,
    "agents": _zendesk_agents, "groups": _zendesk_groups, "schedules": _zendesk_schedules,
    "schedule_holidays": _zendesk_holidays, "sla_policies": _zendesk_sla_policies,
}
"""The SQL mapping of each entity the zendesk connector reads."""


def _jira(batch: str) -> tuple[dict[str, str], str]:
    js = _Shape("line")
    done = f"lower({js('$.fields.status.statusCategory.key')}) = 'done'"
    components = js("$.fields.components", [{"name": "VARCHAR"}])
    exprs = {
        "item_id": js("$.key"),
        "item_type": _case_map(js("$.fields.issuetype.name"), JIRA_TYPES),
        "summary": js("$.fields.summary"),
        "description": js("$.fields.description"),
        "status": js("$.fields.status.name"),
        "status_category": f"lower({js('$.fields.status.statusCategory.key')})",
        "priority": js("$.fields.priority.name"),
        "created_at": js("$.fields.created"),
        "updated_at": f"coalesce({js('$.fields.updated')}, {js('$.fields.created')})",
        "shipped_at": f"CASE WHEN {done} THEN {js('$.fields.resolutiondate')} END",
        "labels": js("$.fields.labels", "JSON"),
        "components": f"to_json(list_transform({components}, lambda c: c['name']))",
        "parent_key": js("$.fields.parent.key"),
        "helpdesk_links": js("$.fields.customfield_10050"),
    }
    return exprs, f"(SELECT *, {js.select()} FROM {batch})"


def _generic(spec: SourceSpec, batch: str, is_json: bool) -> tuple[dict[str, str], str]:
    if is_json:
        js = _Shape("line")
        exprs = {canon: js("$." + src) for canon, src in spec.columns.items()}
        return exprs, f"(SELECT *, {js.select()} FROM {batch})"
    return {canon: _ident(src) for canon, src in spec.columns.items()}, batch
