"""Every path and setting in one place.

All state lives under one folder, ``./state`` by default, or ``$CLOSEDLOOP_HOME``:

```
state/
  warehouse.duckdb   the DuckDB warehouse (raw, staging, intermediate, marts)
  serving/           closedloop.duckdb, the copy of the marts Superset reads (swapped in atomically)
  superset/          Superset's metadata database, config, secret key, pid file and logs
  alerts/            sent.jsonl, the record of which alert went to which channel
  dagster/           DAGSTER_HOME (run history, telemetry off)
  dbt/               dbt target and logs
  cache/             model and embedding caches
  logs/              closedloop logs
  inbox/             drop new export files here; the sensor picks them up
  demo/              demo data written by `make run`
```
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from closedloop.core.dagster_yaml import DAGSTER_YAML as DAGSTER_YAML  # kept importable from here
from closedloop.core.dagster_yaml import DAGSTER_YAML_HEADER as DAGSTER_YAML_HEADER
from closedloop.core.dagster_yaml import write_dagster_yaml
from closedloop.core.errors import ClosedloopError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
LAST_EXPORTS = "last-exports-folder"
TIMESTAMP_MIN = "2000-01-01T00:00:00Z"
"""Default earliest timestamp a loaded record may hold (``$CLOSEDLOOP_TIMESTAMP_MIN``)."""
TIMESTAMP_MAX_AHEAD = "1d"
"""Default of how far past now a loaded timestamp may lie (``$CLOSEDLOOP_TIMESTAMP_MAX_AHEAD``)."""
_AHEAD = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([dhm]?)\s*")
_AHEAD_UNITS = {"": "days", "d": "days", "h": "hours", "m": "minutes"}
"""File in the home folder naming the export folder of the last run."""


@dataclass(frozen=True)
class Settings:
    """Resolved locations of closedloop's state.

    Attributes:
        home: Root of all state (``$CLOSEDLOOP_HOME``, default ``./state``).
        data_dir: Export folder the pipeline ingests (``$CLOSEDLOOP_DATA``, default ``home/demo``).
    """

    home: Path
    data_dir: Path

    @property
    def warehouse(self) -> Path:
        """DuckDB warehouse file (``$CLOSEDLOOP_WAREHOUSE`` overrides)."""
        override = os.environ.get("CLOSEDLOOP_WAREHOUSE")
        return Path(override).resolve() if override else self.home / "warehouse.duckdb"

    @property
    def serving_warehouse(self) -> Path:
        """Read-only copy of the marts that Superset reads (``$CLOSEDLOOP_SERVING_WAREHOUSE`` overrides)."""
        override = os.environ.get("CLOSEDLOOP_SERVING_WAREHOUSE")
        return Path(override).resolve() if override else self.home / "serving" / "closedloop.duckdb"

    @property
    def superset_home(self) -> Path:
        """Superset's metadata database, ``superset_config.py``, secret key, pid file and logs."""
        return self.home / "superset"

    @property
    def dagster_home(self) -> Path:
        """DAGSTER_HOME for run history."""
        return self.home / "dagster"

    @property
    def dbt_target(self) -> Path:
        """Dbt target folder (manifest, run results)."""
        return self.home / "dbt" / "target"

    @property
    def dbt_logs(self) -> Path:
        """Dbt log folder."""
        return self.home / "dbt" / "logs"

    @property
    def cache(self) -> Path:
        """Caches (models, embeddings spill files)."""
        return self.home / "cache"

    @property
    def logs(self) -> Path:
        """Closedloop's own logs."""
        return self.home / "logs"

    @property
    def inbox(self) -> Path:
        """Folder watched by the new-exports sensor."""
        return self.home / "inbox"

    @property
    def sources_config(self) -> Path | None:
        """``closedloop-sources.yml`` in the data folder, when there is one."""
        path = self.data_dir / "closedloop-sources.yml"
        return path if path.exists() else None

    @property
    def timestamp_min(self) -> datetime:
        """Earliest plausible timestamp in an export (``$CLOSEDLOOP_TIMESTAMP_MIN``, default 2000-01-01T00:00Z).

        An ISO 8601 date or date and time; without a UTC offset it is read as UTC. Records with an
        earlier timestamp are quarantined at ingest.

        Raises:
            ClosedloopError: The variable is not an ISO 8601 date.
        """
        text = os.environ.get("CLOSEDLOOP_TIMESTAMP_MIN", "").strip() or TIMESTAMP_MIN
        try:
            value = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ClosedloopError(f"CLOSEDLOOP_TIMESTAMP_MIN must be an ISO 8601 date such as 2000-01-01, "
                                  f"got {text!r}") from exc
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    @property
    def timestamp_max_ahead(self) -> timedelta:
        """How far past now an export's timestamp may lie (``$CLOSEDLOOP_TIMESTAMP_MAX_AHEAD``, default 1d).

        A number with an optional unit: ``d`` days (the default unit), ``h`` hours, ``m`` minutes.
        Records with a later timestamp are quarantined at ingest.

        Raises:
            ClosedloopError: The variable is not such a duration.
        """
        text = os.environ.get("CLOSEDLOOP_TIMESTAMP_MAX_AHEAD", "").strip().lower() or TIMESTAMP_MAX_AHEAD
        match = _AHEAD.fullmatch(text)
        if not match:
            raise ClosedloopError(f"CLOSEDLOOP_TIMESTAMP_MAX_AHEAD must be a duration such as 1d, 36h or 90m, "
                                  f"got {text!r}")
        return timedelta(**{_AHEAD_UNITS[match.group(2)]: float(match.group(1))})

    @property
    def duckdb_memory_limit(self) -> str:
        """DuckDB's memory cap per connection (``$CLOSEDLOOP_DUCKDB_MEMORY_LIMIT``, 1GB); it spills beyond."""
        return os.environ.get("CLOSEDLOOP_DUCKDB_MEMORY_LIMIT", "1GB")

    @property
    def superset_url(self) -> str | None:
        """The Superset the pipeline pushes dashboards to (``$CLOSEDLOOP_SUPERSET_URL``), if any."""
        return os.environ.get("CLOSEDLOOP_SUPERSET_URL") or None

    @property
    def superset_login(self) -> tuple[str, str | None]:
        """User and password for pushing to Superset.

        ``$CLOSEDLOOP_SUPERSET_USERNAME`` (default admin) and ``$CLOSEDLOOP_SUPERSET_ADMIN_PASSWORD``.
        """
        return (os.environ.get("CLOSEDLOOP_SUPERSET_USERNAME", "admin"),
                os.environ.get("CLOSEDLOOP_SUPERSET_ADMIN_PASSWORD") or None)

    @property
    def embed_workers(self) -> int:
        """Worker processes the themes embed in (``$CLOSEDLOOP_EMBED_WORKERS``; 0, the default: in-process).

        Raises:
            ClosedloopError: The variable is not a whole number of 0 or more.
        """
        return _whole_number("CLOSEDLOOP_EMBED_WORKERS", 0, minimum=0)

    @property
    def embed_worker_batch(self) -> int:
        """Texts an embedding worker commits at a time (``$CLOSEDLOOP_EMBED_WORKER_BATCH``, 256).

        Raises:
            ClosedloopError: The variable is not a whole number of 1 or more.
        """
        return _whole_number("CLOSEDLOOP_EMBED_WORKER_BATCH", 256, minimum=1)

    @property
    def embed_k8s_pod(self) -> Path | None:
        """Worker pod file (``$CLOSEDLOOP_EMBED_K8S_POD``): embedding workers run as Kubernetes pods."""
        value = os.environ.get("CLOSEDLOOP_EMBED_K8S_POD", "").strip()
        return Path(value) if value else None

    @property
    def embed_spool(self) -> Path:
        """Folder of the embedding workers' shards and spools (vectors not yet in the warehouse's cache)."""
        return self.cache / "embed-workers"

    @property
    def torch_threads(self) -> int:
        """Torch threads of ``closedloop link`` (``$CLOSEDLOOP_TORCH_THREADS``, default 1).

        Raises:
            ClosedloopError: The variable is not a whole number.
        """
        threads = os.environ.get("CLOSEDLOOP_TORCH_THREADS", "1")
        try:
            return max(1, int(threads))
        except ValueError as exc:
            raise ClosedloopError(f"CLOSEDLOOP_TORCH_THREADS must be a whole number, got {threads!r}") from exc

    @property
    def link_int8(self) -> bool:
        """Whether ``closedloop link`` embeds with int8 weights (``$CLOSEDLOOP_LINK_INT8``, default on).

        Int8 embeds about 2x faster on CPU, which is what lets a cold ``closedloop link`` against
        5,000 items finish in under 30 s here, but a text's int8 vector depends on the texts
        batched with it (see topics/link/README.md); float32 vectors do not.
        """
        return os.environ.get("CLOSEDLOOP_LINK_INT8", "1").strip().lower() not in ("0", "false", "no")


    @property
    def drill_through_vars(self) -> dict[str, str]:
        """Link templates of a ticket in the help desk and an item in the tracker, as dbt vars.

        ``helpdesk_ticket_url`` is ``$CLOSEDLOOP_HELPDESK_TICKET_URL`` (default
        ``https://{subdomain}.zendesk.com/agent/tickets/{id}``, Zendesk's agent view of a ticket)
        with ``{subdomain}`` filled from ``$CLOSEDLOOP_ZENDESK_SUBDOMAIN``; ``tracker_item_url`` is
        ``$CLOSEDLOOP_TRACKER_ITEM_URL`` (e.g. ``https://example.atlassian.net/browse/{key}``, no
        default: a tracker's address is the site's own). The marts put ``{id}`` (ticket id) and
        ``{key}`` (item key) into them; a template that is unset, or still needs a subdomain, gives
        no links (empty string).

        Raises:
            ClosedloopError: A template is not an http(s) URL holding its placeholder once, or holds a quote.
        """
        subdomain = os.environ.get("CLOSEDLOOP_ZENDESK_SUBDOMAIN", "").strip()
        ticket = os.environ.get("CLOSEDLOOP_HELPDESK_TICKET_URL", "").strip() or ZENDESK_TICKET_URL
        if subdomain:
            ticket = ticket.replace("{subdomain}", subdomain)
        tracker = os.environ.get("CLOSEDLOOP_TRACKER_ITEM_URL", "").strip()
        return {"helpdesk_ticket_url": _link_template("CLOSEDLOOP_HELPDESK_TICKET_URL", ticket, "{id}"),
                "tracker_item_url": _link_template("CLOSEDLOOP_TRACKER_ITEM_URL", tracker, "{key}")}


    @property
    def alerts(self) -> AlertSettings:
        """Where alerts go and what triggers them (``$CLOSEDLOOP_ALERT_*``; nothing is sent unless set).

        Raises:
            ClosedloopError: A number, mode or switch is malformed (the variable is named).
        """
        env = os.environ
        smtp_to = tuple(a.strip() for a in env.get("CLOSEDLOOP_ALERT_SMTP_TO", "").split(",") if a.strip())
        mode = env.get("CLOSEDLOOP_ALERT_MODE", "digest").strip().lower() or "digest"
        if mode not in ("digest", "event"):
            raise ClosedloopError(f"CLOSEDLOOP_ALERT_MODE must be digest or event, got {mode!r}")
        return AlertSettings(
            slack_webhook=env.get("CLOSEDLOOP_ALERT_SLACK_WEBHOOK") or None,
            webhook_url=env.get("CLOSEDLOOP_ALERT_WEBHOOK_URL") or None,
            smtp_host=env.get("CLOSEDLOOP_ALERT_SMTP_HOST") or None,
            smtp_port=_whole_number("CLOSEDLOOP_ALERT_SMTP_PORT", 587),
            smtp_user=env.get("CLOSEDLOOP_ALERT_SMTP_USER") or None,
            smtp_password=env.get("CLOSEDLOOP_ALERT_SMTP_PASSWORD") or None,
            smtp_from=env.get("CLOSEDLOOP_ALERT_SMTP_FROM") or "closedloop@localhost",
            smtp_to=smtp_to,
            smtp_starttls=_switch("CLOSEDLOOP_ALERT_SMTP_STARTTLS"),
            mode=mode,
            quarantine_min=_whole_number("CLOSEDLOOP_ALERT_QUARANTINE_MIN", 1),
            lookback_weeks=_whole_number("CLOSEDLOOP_ALERT_LOOKBACK_WEEKS", 4),
            ledger=self.home / "alerts" / "sent.jsonl",
        )


ZENDESK_TICKET_URL = "https://{subdomain}.zendesk.com/agent/tickets/{id}"
"""Default help desk link: Zendesk's agent view of a ticket (needs ``$CLOSEDLOOP_ZENDESK_SUBDOMAIN``)."""


def _link_template(variable: str, template: str, placeholder: str) -> str:
    """``template`` checked, or empty when it is unset or still lacks its Zendesk subdomain."""
    if not template or "{subdomain}" in template:
        return ""
    if (not template.startswith(("https://", "http://")) or template.count(placeholder) != 1
            or any(c in template for c in "'\"\\ ")):
        raise ClosedloopError(f"{variable} must be an http(s) URL holding {placeholder} once, without quotes "
                              f"or spaces; got {template!r}")
    return template


@dataclass(frozen=True)
class AlertSettings:
    """Alert channels and triggers, read from ``$CLOSEDLOOP_ALERT_*`` (README, Alerts).

    Attributes:
        slack_webhook: Slack incoming-webhook URL (a secret: never logged).
        webhook_url: Any URL that takes a JSON POST.
        smtp_host: SMTP server; e-mail is sent only when it and ``smtp_to`` are set.
        smtp_port: SMTP port (default 587).
        smtp_user: Login user, if the server wants one.
        smtp_password: Login password.
        smtp_from: Sender address.
        smtp_to: Recipient addresses (comma-separated in the variable).
        smtp_starttls: True: always STARTTLS; False: never; None (unset): when the server offers it.
        mode: ``digest`` (one message per run and channel) or ``event`` (one message per event).
        quarantine_min: Quarantined rows from which an alert goes out.
        lookback_weeks: Spikes in this many last weeks of the data are news (older ones are history).
        ledger: File recording what was sent to which channel (no alert goes out twice).
    """

    slack_webhook: str | None = None
    webhook_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_from: str = "closedloop@localhost"
    smtp_to: tuple[str, ...] = ()
    smtp_starttls: bool | None = None
    mode: str = "digest"
    quarantine_min: int = 1
    lookback_weeks: int = 4
    ledger: Path = Path("state/alerts/sent.jsonl")


def _whole_number(name: str, default: int, minimum: int | None = None) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ClosedloopError(f"{name} must be a whole number, got {value!r}") from exc
    if minimum is not None and number < minimum:
        raise ClosedloopError(f"{name} must be {minimum} or more, got {number}")
    return number


def _switch(name: str) -> bool | None:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return None
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ClosedloopError(f"{name} must be 1 or 0, got {value!r}")


def record_exports_folder(settings: Settings) -> None:
    """Remember which export folder the last run read (``closedloop summary`` names it)."""
    settings.home.mkdir(parents=True, exist_ok=True)
    (settings.home / LAST_EXPORTS).write_text(str(settings.data_dir) + "\n", encoding="utf-8")


def exports_folder(settings: Settings) -> Path:
    """The export folder the last run read, or the configured one when no run recorded it."""
    recorded = settings.home / LAST_EXPORTS
    if recorded.is_file():
        text = recorded.read_text(encoding="utf-8").strip()
        if text:
            return Path(text)
    return settings.data_dir


def load_settings() -> Settings:
    """Read settings from the environment."""
    home = Path(os.environ.get("CLOSEDLOOP_HOME", "state")).resolve()
    data = os.environ.get("CLOSEDLOOP_DATA")
    return Settings(home=home, data_dir=Path(data).resolve() if data else home / "demo")


def prepare_environment(settings: Settings | None = None) -> Settings:
    """Create the state folders and export the environment Dagster and dbt read.

    Sets DAGSTER_HOME (with the dagster.yaml of :data:`DAGSTER_YAML`), CLOSEDLOOP_WAREHOUSE for
    dbt's profile (and its ``postgres`` target with ``$CLOSEDLOOP_WAREHOUSE_URL``), dbt's log and
    target paths, and turns dbt's anonymous statistics off.
    """
    settings = settings or load_settings()
    for folder in (settings.home, settings.dagster_home, settings.dbt_logs, settings.cache, settings.logs,
                   settings.inbox):
        folder.mkdir(parents=True, exist_ok=True)
    write_dagster_yaml(settings.dagster_home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(settings.dagster_home)
    os.environ["CLOSEDLOOP_HOME"] = str(settings.home)
    os.environ["CLOSEDLOOP_WAREHOUSE"] = str(settings.warehouse)
    os.environ.pop("CLOSEDLOOP_DBT_TARGET", None)  # dbt's duckdb target, unless a shared warehouse is set
    if os.environ.get("CLOSEDLOOP_WAREHOUSE_URL", "").strip():
        from closedloop.core.pg import target_from_env

        os.environ.update(target.dbt_env() if (target := target_from_env()) else {})
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ["DBT_LOG_PATH"] = str(settings.dbt_logs)
    os.environ["DBT_TARGET_PATH"] = str(settings.dbt_target)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    return settings
