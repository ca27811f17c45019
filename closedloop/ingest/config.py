"""Which files feed which raw table, through which connector: ``closedloop-sources.yml``.

The defaults read the layout the demo generator writes (Zendesk + Jira + a QA CSV). A user of
another help desk puts a ``closedloop-sources.yml`` in the data folder and overrides entries, for
example a Freshdesk CSV export::

    tickets:
      connector: generic
      files: freshdesk/tickets*.csv
      columns:            # canonical column: column in the file
        ticket_id: id
        created_at: created_at
        updated_at: updated_at
        solved_at: resolved_at
        subject: subject
        body: description_text
        status: status
        channel: source
      values:             # optional value mapping, per canonical column
        status: {"4": solved, "5": closed, "2": open}
        channel: {"1": email, "2": in_app, "3": phone, "7": chat, "9": social}
      defaults:           # optional constant for columns the export lacks
        priority: normal

A review, survey or community source says its ``kind`` and maps only an id, a time and text;
the rest is filled by rule and reported (:mod:`closedloop.ingest.defaults`)::

    tickets:
      connector: generic
      kind: review                 # review | survey | community | helpdesk (default)
      source_name: Acme Wallet     # or columns: {source_name: <column>}; default: the files' folder
      files: appstore/reviews*.csv
      columns: {ticket_id: review_id, created_at: date, body: content, rating: stars}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from closedloop.core.errors import ConfigError
from closedloop.ingest.account import account_specs
from closedloop.ingest.defaults import FEEDBACK_KINDS, KINDS, TEXT_COLUMNS, kind_rules
from closedloop.ingest.schema import ENTITIES

ZENDESK_CUSTOM_FIELDS: dict[str, int] = {
    "language": 360010000001,
    "backlog_key": 360010000002,
    "security_flagged_at": 360010000003,
    "security_action": 360010000004,
    "security_actioned_at": 360010000005,
    "recovery_asset": 360010000006,
    "recovery_amount": 360010000007,
    "recovery_method": 360010000008,
    "recovery_status": 360010000009,
    "recovered_at": 360010000010,
}


@dataclass(frozen=True)
class SourceSpec:
    """How one raw table is fed.

    Attributes:
        entity: Canonical entity name (``tickets``, ``backlog_items``...).
        connector: ``zendesk``, ``jira`` or ``generic``.
        files: Glob patterns relative to the data folder.
        format: ``jsonl``, ``json``, ``csv`` or ``parquet``; None to infer from the extension.
        columns: Generic connector: canonical column -> column (or JSON key) in the file.
        values: Per canonical column, a mapping of source values to canonical values.
        defaults: Per canonical column, a constant used when the file has no value.
        custom_fields: Zendesk: canonical column -> custom field id.
        kind: Tickets: ``helpdesk`` (default), ``review``, ``survey`` or ``community``; decides which
            columns are filled by rule when the export lacks them (:mod:`closedloop.ingest.defaults`).
        source_name: Tickets: the source's name (an app, brand or product) for every row, unless
            ``columns`` maps ``source_name`` to a column; default the folder of the first file pattern.
    """

    entity: str
    connector: str
    files: tuple[str, ...]
    format: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    custom_fields: dict[str, int] = field(default_factory=dict)
    kind: str = "helpdesk"
    source_name: str | None = None


DEFAULTS: dict[str, dict[str, Any]] = {
    "tickets": {"connector": "zendesk", "files": ["zendesk/tickets*.jsonl", "zendesk/tickets*.json"]},
    "ticket_events": {"connector": "zendesk", "files": ["zendesk/ticket_audits*.jsonl"]},
    "satisfaction_ratings": {"connector": "zendesk", "files": ["zendesk/satisfaction_ratings*.jsonl"]},
    "agents": {"connector": "zendesk", "files": ["zendesk/users*.jsonl"]},
    "groups": {"connector": "zendesk", "files": ["zendesk/groups*.jsonl"]},
    "schedules": {"connector": "zendesk", "files": ["zendesk/schedules*.jsonl", "zendesk/schedules*.json"]},
    "schedule_holidays": {"connector": "zendesk",
                          "files": ["zendesk/schedule_holidays*.jsonl", "zendesk/schedule_holidays*.json"]},
    "sla_policies": {"connector": "zendesk", "files": ["zendesk/sla_policies*.jsonl", "zendesk/sla_policies*.json"]},
    "backlog_items": {"connector": "jira", "files": ["jira/*.json"]},
    "group_tiers": {"connector": "account", "files": ["closedloop-sources.yml"]},
    "qa_audits": {
        "connector": "generic",
        "files": ["qa/*.csv"],
        "columns": {
            "audit_id": "review_id",
            "ticket_id": "ticket_id",
            "agent_id": "agent_id",
            "reviewer_id": "reviewer_id",
            "reviewed_at": "reviewed_at",
            "tone_score": "tone",
            "accuracy_score": "accuracy",
            "compliance_score": "compliance",
            "resolution_score": "resolution",
            "comment": "comment",
        },
    },
}

CONNECTORS = ("zendesk", "jira", "generic", "account")


def load_config(path: Path | None = None) -> dict[str, SourceSpec]:
    """Return the source spec of every entity: the defaults, overridden by ``path`` if given."""
    raw: dict[str, Any] = {name: dict(spec) for name, spec in DEFAULTS.items()}
    zendesk_fields = dict(ZENDESK_CUSTOM_FIELDS)
    if path is not None:
        try:
            user = yaml.safe_load(path.read_text()) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read {path}: {exc}") from exc
        if not isinstance(user, dict):
            raise ConfigError(f"{path}: expected a mapping of entity names to sources")
        for name, spec in user.items():
            if name == "zendesk":
                zendesk_fields.update((spec or {}).get("custom_fields", {}))
                continue
            if name == "account":  # the account's own tiers, schedules and SLA policies: ingest/account.py
                raw.update(account_specs(path.name, spec))
                continue
            if name not in ENTITIES:
                raise ConfigError(f"{path}: unknown entity {name!r} (expected one of {', '.join(ENTITIES)})")
            if not isinstance(spec, dict):
                raise ConfigError(f"{path}: {name}: expected a mapping")
            raw[name] = spec if "connector" in spec else {**raw[name], **spec}
    specs: dict[str, SourceSpec] = {}
    for name, spec in raw.items():
        connector = spec.get("connector")
        if connector not in CONNECTORS:
            raise ConfigError(f"{path}: {name}: connector must be one of {', '.join(CONNECTORS)}, not {connector!r}")
        files = spec.get("files", [])
        entity = ENTITIES[name]
        columns = {str(k): str(v) for k, v in (spec.get("columns") or {}).items()}
        unknown = set(columns) - {c.name for c in entity.columns}
        if unknown:
            raise ConfigError(f"{path}: {name}: unknown canonical columns {sorted(unknown)}")
        kind = str(spec.get("kind", "helpdesk"))
        if connector == "generic":
            _check_generic(path, name, kind, columns, spec.get("defaults") or {})
        specs[name] = SourceSpec(
            entity=name,
            connector=connector,
            files=tuple([files] if isinstance(files, str) else files),
            format=spec.get("format"),
            columns=columns,
            values={k: {str(a): str(b) for a, b in v.items()} for k, v in (spec.get("values") or {}).items()},
            defaults={k: str(v) for k, v in (spec.get("defaults") or {}).items()},
            custom_fields=zendesk_fields if connector == "zendesk" else {},
            kind=kind,
            source_name=str(spec["source_name"]) if spec.get("source_name") is not None else None,
        )
    return specs


def _check_generic(path: Path | None, name: str, kind: str, columns: dict[str, str], defaults: dict[str, Any]) -> None:
    """A generic mapping names every column its entity requires, unless a default or its kind's rule fills it.

    Raises:
        ConfigError: Naming the sources file, the table and what is missing.
    """
    if kind not in KINDS:
        raise ConfigError(f"{path}: {name}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if kind != "helpdesk" and name != "tickets":
        raise ConfigError(f"{path}: {name}: kind {kind!r} applies to tickets only")
    filled = set(columns) | set(defaults) | set(kind_rules(name, kind))
    missing = [c.name for c in ENTITIES[name].columns if c.required and c.name not in filled]
    if missing:
        rules = "" if kind != "helpdesk" else " (a review, survey or community source: set kind to fill them by rule)"
        raise ConfigError(f"{path}: {name}: the column mapping lacks required columns {missing}{rules}")
    if kind in FEEDBACK_KINDS and not set(TEXT_COLUMNS) & set(columns):
        raise ConfigError(f"{path}: {name}: a {kind} source maps its text to body or subject")
