"""Great Expectations suites for the raw tables (table-level rules the row checks cannot see).

Row-level problems (missing ids, bad timestamps...) are quarantined at load time; these suites
check the loaded table as a whole: keys unique, enums known, solved tickets have a solve time,
no personal data left in the redacted text. Great Expectations 1.x validates pandas frames, so
each suite reads only the columns it needs from DuckDB.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from closedloop.core.redact import PATTERNS
from closedloop.ingest.schema import CHANNELS, ENTITIES, PRIORITIES, STATUSES

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


@dataclass(frozen=True)
class Rule:
    """One expectation: the Great Expectations class name, its arguments, and other columns it reads."""

    expectation: str
    kwargs: dict[str, Any]
    needs: tuple[str, ...] = ()

    @property
    def columns(self) -> set[str]:
        """Columns the rule reads."""
        cols = {v for k, v in self.kwargs.items() if k in ("column", "column_A", "column_B")}
        return cols | set(self.needs)


@dataclass(frozen=True)
class Failure:
    """A failed expectation with a readable description."""

    expectation: str
    column: str
    unexpected_count: int
    examples: list[Any]

    def __str__(self) -> str:
        """Readable one-liner."""
        return f"{self.expectation}({self.column}): {self.unexpected_count} unexpected, e.g. {self.examples[:3]}"


@dataclass(frozen=True)
class OnlyWhere:
    """A row condition: the rule applies to rows whose ``column`` is in ``values`` (None: resolved statuses).

    Kept as data and turned into Great Expectations' own condition only when a suite runs, so
    importing this module imports no Great Expectations (seconds) and reads no project file.
    """

    column: str
    values: tuple[str, ...] | None = None

    def to_gx(self) -> Any:
        """Great Expectations' row condition."""
        from great_expectations.expectations.row_conditions import Column as GxColumn

        from closedloop.core.warehouse import resolved_statuses

        return GxColumn(self.column).is_in(list(self.values or resolved_statuses()))


def _solved(status_col: str, values: tuple[str, ...] | None = None) -> dict[str, Any]:
    return {"row_condition": OnlyWhere(status_col, values)}


_EMAIL = next(p for name, p in PATTERNS if name == "<EMAIL>")

SUITES: dict[str, list[Rule]] = {
    "tickets": [
        Rule("ExpectColumnValuesToNotBeNull", {"column": "ticket_id"}),
        Rule("ExpectColumnValuesToBeUnique", {"column": "ticket_id"}),
        Rule("ExpectColumnValuesToNotBeNull", {"column": "created_at"}),
        Rule("ExpectColumnValuesToBeInSet", {"column": "channel", "value_set": list(CHANNELS)}),
        Rule("ExpectColumnValuesToBeInSet", {"column": "status", "value_set": list(STATUSES)}),
        Rule("ExpectColumnValuesToBeInSet", {"column": "priority", "value_set": list(PRIORITIES)}),
        Rule("ExpectColumnValuesToNotBeNull", {"column": "solved_at", **_solved("status")},
             needs=("status",)),
        Rule("ExpectColumnValuesToMatchRegex", {"column": "language", "regex": r"^[a-z]{2,3}(?:-[A-Za-z]{2,4})?$"}),
        Rule("ExpectColumnValuesToNotMatchRegex", {"column": "body_redacted", "regex": _EMAIL}),
        Rule("ExpectColumnValuesToNotMatchRegex", {"column": "subject_redacted", "regex": _EMAIL}),
    ],
    "ticket_events": [
        Rule("ExpectColumnValuesToBeUnique", {"column": "event_id"}),
        Rule("ExpectColumnValuesToNotBeNull", {"column": "ticket_id"}),
        Rule("ExpectColumnValuesToBeInSet", {"column": "event_type", "value_set": ["create", "change", "comment"]}),
    ],
    "satisfaction_ratings": [
        Rule("ExpectColumnValuesToBeUnique", {"column": "rating_id"}),
        Rule("ExpectColumnValuesToNotBeNull", {"column": "ticket_id"}),
        Rule("ExpectColumnValuesToBeBetween", {"column": "rating", "min_value": 1, "max_value": 5}),
        Rule("ExpectColumnValuesToBeInSet", {"column": "score", "value_set": ["offered", "good", "bad"]}),
    ],
    "qa_audits": [
        Rule("ExpectColumnValuesToBeUnique", {"column": "audit_id"}),
        *(Rule("ExpectColumnValuesToBeBetween", {"column": f"{d}_score", "min_value": 0, "max_value": 100})
          for d in ("tone", "accuracy", "compliance", "resolution")),
    ],
    "backlog_items": [
        Rule("ExpectColumnValuesToBeUnique", {"column": "item_id"}),
        Rule("ExpectColumnValuesToBeInSet", {"column": "item_type", "value_set": ["epic", "story", "bug", "task"]}),
        Rule("ExpectColumnValuesToNotBeNull", {"column": "shipped_at", **_solved("status_category", ("done",))},
             needs=("status_category",)),
    ],
    "agents": [Rule("ExpectColumnValuesToBeUnique", {"column": "agent_id"})],
    "groups": [Rule("ExpectColumnValuesToBeUnique", {"column": "group_id"})],
    "schedules": [Rule("ExpectColumnValuesToBeUnique", {"column": "schedule_id"}),
                  Rule("ExpectColumnValuesToNotBeNull", {"column": "time_zone"})],
    "schedule_holidays": [Rule("ExpectColumnValuesToBeUnique", {"column": "holiday_id"}),
                          Rule("ExpectColumnValuesToNotBeNull", {"column": "schedule_id"})],
    "sla_policies": [Rule("ExpectColumnValuesToBeUnique", {"column": "policy_id"})],
    "group_tiers": [Rule("ExpectColumnValuesToBeUnique", {"column": "group_name"}),
                    Rule("ExpectColumnValuesToNotBeNull", {"column": "tier"})],
}


def read_frame(con: duckdb.DuckDBPyConnection, entity: str) -> pd.DataFrame:
    """The columns a suite needs from ``raw.<entity>``, as pandas."""
    cols = sorted(set().union(*(rule.columns for rule in SUITES[entity])))
    return con.execute(f"SELECT {', '.join(cols)} FROM {ENTITIES[entity].table}").df()


def validate(df: pd.DataFrame, entity: str) -> list[Failure]:
    """Run the entity's suite on ``df``; return the failed expectations (empty when all pass)."""
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    batch_def = (context.data_sources.add_pandas(f"raw_{entity}")
                 .add_dataframe_asset(entity).add_batch_definition_whole_dataframe("all"))
    suite = gx.ExpectationSuite(name=f"raw_{entity}_suite")
    for rule in SUITES[entity]:
        kwargs = {k: v.to_gx() if isinstance(v, OnlyWhere) else v for k, v in rule.kwargs.items()}
        suite.add_expectation(getattr(gx.expectations, rule.expectation)(**kwargs))
    suite = context.suites.add(suite)
    definition = gx.ValidationDefinition(data=batch_def, suite=suite, name=f"raw_{entity}_validation")
    result = definition.run(batch_parameters={"dataframe": df}, result_format="SUMMARY")
    failures = []
    for res in result.results:
        config = res.expectation_config
        if not res.success and config is not None:
            failures.append(Failure(
                expectation=config.type,
                column=str(config.kwargs.get("column", "")),
                unexpected_count=int(res.result.get("unexpected_count", 0) or 0),
                examples=[str(v) for v in res.result.get("partial_unexpected_list", [])[:3]],
            ))
    return failures
