"""The marts recover what the demo generator planted in ``truth/``.

Demo data is generated, ingested with the real loader and built with a real ``dbt build``;
then every quarter's headline figures, every ticket's facts and every security case are
compared with the planted truth. Failures list each quarter, metric or case that differs.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from closedloop.demo import generate
from closedloop.ingest import load_all

pytestmark = pytest.mark.slow

TICKETS = 3_000
SEED = 7


def read_truth(data_dir: Path, name: str, key: str) -> dict[str, dict[str, str]]:
    """Rows of ``truth/<name>`` by ``key``."""
    with (data_dir / "truth" / name).open(newline="", encoding="utf-8") as handle:
        return {row[key]: row for row in csv.DictReader(handle)}


def number(text: str) -> float | None:
    """A truth cell as a float (empty means none)."""
    return float(text) if text else None


def flag(text: str) -> bool:
    """A truth boolean cell."""
    return text == "true"


def differs(actual: float | None, expected: float | None, *, rel: float = 0.0, abs_: float = 1e-9) -> bool:
    """Whether ``actual`` misses ``expected`` by more than the tolerance (None only matches None)."""
    if actual is None or expected is None:
        return actual is not expected
    return not math.isclose(actual, expected, rel_tol=rel, abs_tol=abs_)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, dbt_build: Callable[..., str]) -> tuple[Path, Path]:
    """(data folder, warehouse) after generating, ingesting and building the demo data."""
    work = tmp_path_factory.mktemp("demo_truth")
    data_dir = work / "demo"
    generate(data_dir, tickets=TICKETS, seed=SEED)
    warehouse = work / "warehouse.duckdb"
    report = load_all(warehouse, data_dir)
    assert report.rows_quarantined == 0, [r.reasons for r in report.entities.values() if r.reasons]
    dbt_build(warehouse, work)
    return data_dir, warehouse


@pytest.fixture(scope="module")
def quarters(demo: tuple[Path, Path], mart: Callable[..., list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """fct_support_quarterly by quarter key."""
    _, warehouse = demo
    return {row["quarter_key"]: row for row in mart(warehouse, "select * from marts.fct_support_quarterly")}


def test_every_planted_quarter_has_a_row_with_the_same_ticket_count(
    demo: tuple[Path, Path], quarters: dict[str, dict[str, Any]]
) -> None:
    truth = read_truth(demo[0], "operations_quarterly.csv", "quarter")
    counts = {q: quarters[q]["tickets_resolved"] if q in quarters else None for q in truth}
    assert counts == {q: int(row["tickets_resolved"]) for q, row in truth.items()}
    assert sorted(quarters) == sorted(truth)


@pytest.mark.parametrize(
    ("metric", "column", "rel", "abs_"),
    [
        ("median_first_response_minutes", "median_first_response_minutes", 0.01, 0.0),
        ("p90_first_response_minutes", "p90_first_response_minutes", 0.01, 0.0),
        ("sla_breach_rate", "sla_breach_rate", 0.01, 0.0),
        ("feedback_coverage", "feedback_coverage", 0.0, 1e-6),
        ("csat_avg", "csat_average", 0.0, 0.01),
        ("csat_response_rate", "csat_response_rate", 0.0, 1e-6),
        ("bot_containment_rate", "bot_containment_rate", 0.0, 1e-6),
        ("escalation_rate", "escalation_rate", 0.0, 1e-6),
    ],
)
def test_quarterly_figures_match_the_planted_truth(
    demo: tuple[Path, Path], quarters: dict[str, dict[str, Any]], metric: str, column: str, rel: float, abs_: float
) -> None:
    # Truth rounds to 6 decimals, so "exactly" allows 1e-6.
    truth = read_truth(demo[0], "operations_quarterly.csv", "quarter")
    misses = [
        f"{quarter}: {column} = {quarters.get(quarter, {}).get(column)!r}, planted {metric} = {row[metric]}"
        for quarter, row in sorted(truth.items())
        if differs(quarters.get(quarter, {}).get(column), number(row[metric]), rel=rel, abs_=max(abs_, 1e-6))
    ]
    assert not misses, "fct_support_quarterly differs from truth/operations_quarterly.csv:\n" + "\n".join(misses)


def test_every_ticket_matches_its_planted_facts(
    demo: tuple[Path, Path], mart: Callable[..., list[dict[str, Any]]]
) -> None:
    data_dir, warehouse = demo
    truth = read_truth(data_dir, "tickets.csv", "ticket_id")
    tickets = {row["ticket_id"]: row for row in mart(warehouse, "select * from marts.fct_tickets")}
    assert sorted(tickets) == sorted(truth), "fct_tickets holds other tickets than truth/tickets.csv"
    misses: list[str] = []
    for ticket_id, planted in truth.items():
        t = tickets[ticket_id]
        expected: dict[str, object] = {
            "tier_path": planted["tier_path"],
            "final_tier": planted["final_tier"],
            "channel": planted["channel"],
            "language": planted["language"],
            "priority": planted["priority"],
            "bot_resolved": flag(planted["bot_resolved"]),
            "handed_off_to_human": flag(planted["handed_off_to_human"]),
            "reopens": int(planted["reopens"]),
            "assignee_id": planted["agent_id"],
            "feedback_requested": flag(planted["feedback_requested"]),
            "csat_score": int(planted["csat_rating"]) if planted["csat_rating"] else None,
            "qa_audited": flag(planted["qa_audited"]),
            "is_first_response_breach": (flag(planted["is_first_response_breach"])
                                         if planted["first_response_at"] else None),
        }
        actual = {**{k: t[k] for k in expected}, "tier_path": t["tier_path"].replace(" > ", ">")}
        misses += [f"ticket {ticket_id}: {k} = {actual[k]!r}, planted {v!r}"
                   for k, v in expected.items() if actual[k] != v]
        if differs(t["first_response_minutes"], number(planted["first_response_minutes"]), abs_=1e-6):
            misses.append(f"ticket {ticket_id}: first_response_minutes = {t['first_response_minutes']!r}, "
                          f"planted {planted['first_response_minutes']!r}")
    assert not misses, f"{len(misses)} ticket facts differ from truth/tickets.csv:\n" + "\n".join(misses[:40])



def test_sla_events_agree_with_every_ticket_s_first_response_sla(
    demo: tuple[Path, Path], mart: Callable[..., list[dict[str, Any]]]
) -> None:
    """The demo's SLA policy and schedules come from its exports; fct_sla_events and fct_tickets agree."""
    _, warehouse = demo
    loaded = mart(warehouse, "select (select count(*) from raw.schedules) as schedules, "
                             "(select count(*) from raw.schedule_holidays) as holidays, "
                             "(select count(*) from raw.sla_policies) as policies")
    assert loaded == [{"schedules": 2, "holidays": 22, "policies": 1}]
    disagreements = mart(warehouse, """
        select t.ticket_id, t.sla_status, t.sla_target_minutes, e.sla_status as event_status,
            e.target_minutes, e.elapsed_minutes, t.first_response_business_minutes
        from marts.fct_tickets as t
        left join marts.fct_sla_events as e
            on t.ticket_id = e.ticket_id and e.metric = 'first_reply_time'
        where e.ticket_id is null
            or e.sla_status <> t.sla_status
            or e.target_minutes <> t.sla_target_minutes
            or e.policy_id <> '360000000301'
            or (t.sla_status <> 'not_applicable'
                and e.elapsed_minutes is distinct from t.first_response_business_minutes)
        limit 5""")
    assert disagreements == []
    attainment = mart(warehouse, """
        select count(*) filter (where sla_status = 'met') as met,
            count(*) filter (where sla_status = 'breached') as breached
        from marts.fct_sla_events as e
        where metric = 'first_reply_time'
            and ticket_id in (select ticket_id from marts.fct_tickets)""")
    quarterly = mart(warehouse, "select sum(sla_applicable_tickets - sla_breached_tickets) as met, "
                                "sum(sla_breached_tickets) as breached from marts.fct_support_quarterly")
    assert attainment == quarterly

def test_minutes_to_security_intervention_match_every_case(
    demo: tuple[Path, Path], mart: Callable[..., list[dict[str, Any]]]
) -> None:
    data_dir, warehouse = demo
    truth = read_truth(data_dir, "security_interventions.csv", "ticket_id")
    cases = {row["ticket_id"]: row for row in mart(warehouse, "select * from marts.fct_security_interventions")}
    assert truth, "the demo planted no security case"
    assert sorted(cases) == sorted(truth), "fct_security_interventions holds other cases than the truth"
    misses = [
        f"case {ticket_id}: {cases[ticket_id]['minutes_to_intervention']} minutes, "
        f"{cases[ticket_id]['outcome']}, within target {cases[ticket_id]['is_within_target']}; planted "
        f"{row['minutes_to_intervention']} minutes, {row['action']}, within target {row['within_target']}"
        for ticket_id, row in sorted(truth.items())
        if (cases[ticket_id]["minutes_to_intervention"], cases[ticket_id]["outcome"],
            cases[ticket_id]["is_within_target"])
        != (int(row["minutes_to_intervention"]), row["action"], flag(row["within_target"]))
    ]
    assert not misses, "fct_security_interventions differs from the truth:\n" + "\n".join(misses)


def test_deposit_recoveries_match_every_case(
    demo: tuple[Path, Path], mart: Callable[..., list[dict[str, Any]]]
) -> None:
    data_dir, warehouse = demo
    truth = read_truth(data_dir, "deposit_recoveries.csv", "ticket_id")
    cases = {row["ticket_id"]: row for row in mart(warehouse, "select * from marts.fct_deposit_recoveries")}
    assert sorted(cases) == sorted(truth), "fct_deposit_recoveries holds other cases than the truth"
    misses = []
    for ticket_id, row in sorted(truth.items()):
        case = cases[ticket_id]
        if ((case["asset"], case["recovery_method"], case["recovery_status"]) != (row["asset"], row["method"],
                                                                                  row["status"])
                or differs(case["amount"], float(row["amount"]), abs_=0.005)
                or differs(case["days_to_recover"], number(row["days_to_recover"]), abs_=1e-6)):
            misses.append(f"case {ticket_id}: {case['asset']} {case['amount']} {case['recovery_method']} "
                          f"{case['recovery_status']} {case['days_to_recover']} days; planted {row['asset']} "
                          f"{row['amount']} {row['method']} {row['status']} {row['days_to_recover']} days")
    assert not misses, "fct_deposit_recoveries differs from the truth:\n" + "\n".join(misses)
