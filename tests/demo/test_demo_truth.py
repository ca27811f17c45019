"""truth/ agrees with the exports and with itself."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from closedloop.demo import DemoSummary

Rows = list[dict[str, str]]
GROUP_TIER = {360000000101: "bot", 360000000102: "l1", 360000000103: "vip", 360000000104: "engineering",
              360000000105: "legal", 360000000106: "security"}


def test_every_count_adds_up_to_the_requested_tickets(
    demo: DemoSummary, small_args: dict[str, int], tickets: dict, truth_tickets: dict,
    read_csv: Callable[[Path], Rows],
) -> None:
    quarterly = read_csv(demo.out / "truth" / "operations_quarterly.csv")
    assert demo.tickets == len(tickets) == len(truth_tickets) == small_args["tickets"]
    assert sum(int(q["tickets_resolved"]) for q in quarterly) == small_args["tickets"]
    assert [q["quarter"] for q in quarterly] == [f"{y}Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)]


def test_first_response_is_the_first_public_comment_by_a_human_agent(
    truth_tickets: dict, audits: dict, users: dict
) -> None:
    humans = {uid for uid, u in users.items() if not u["user_fields"]["is_bot"]}
    for ticket_id, row in truth_tickets.items():
        first = next((a["created_at"] for a in audits[ticket_id] for e in a["events"]
                      if e["type"] == "Comment" and e["public"] and e["author_id"] in humans), "")
        assert row["first_response_at"] == first, ticket_id
        assert (row["bot_resolved"] == "true") == (first == "")


def test_solved_at_and_final_group_match_the_ticket(truth_tickets: dict, tickets: dict) -> None:
    for ticket_id, row in truth_tickets.items():
        ticket = tickets[ticket_id]
        assert row["solved_at"] == ticket["metric_set"]["solved_at"]
        assert row["final_tier"] == GROUP_TIER[ticket["group_id"]]
        assert int(row["agent_id"]) == ticket["assignee_id"]


def test_tier_path_is_the_sequence_of_group_changes_in_the_audits(truth_tickets: dict, audits: dict) -> None:
    for ticket_id, row in truth_tickets.items():
        path = [GROUP_TIER[int(e["value"])] for a in audits[ticket_id] for e in a["events"]
                if e.get("field_name") == "group_id"]
        assert ">".join(path) == row["tier_path"], ticket_id


def test_reopens_are_solved_to_open_changes(truth_tickets: dict, audits: dict) -> None:
    for ticket_id, row in truth_tickets.items():
        reopens = sum(1 for a in audits[ticket_id] for e in a["events"]
                      if e["type"] == "Change" and e["field_name"] == "status"
                      and e["previous_value"] == "solved" and e["value"] == "open")
        assert reopens == int(row["reopens"])


def test_operations_quarterly_recomputes_from_truth_tickets(
    demo: DemoSummary, truth_tickets: dict, read_csv: Callable[[Path], Rows]
) -> None:
    by_quarter: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in truth_tickets.values():
        month = int(row["solved_at"][5:7])
        by_quarter[f"{row['solved_at'][:4]}Q{(month - 1) // 3 + 1}"].append(row)
    for q in read_csv(demo.out / "truth" / "operations_quarterly.csv"):
        rows = by_quarter[q["quarter"]]
        frt = np.array([float(r["first_response_minutes"]) for r in rows if r["first_response_minutes"]])
        sent = [r for r in rows if r["feedback_requested"] == "true"]
        answered = [int(r["csat_rating"]) for r in rows if r["csat_rating"]]
        expected = {
            "tickets_resolved": len(rows),
            "median_first_response_minutes": np.median(frt),
            "p90_first_response_minutes": np.percentile(frt, 90),
            "sla_breach_rate": (frt > 10).mean(),
            "feedback_coverage": len(sent) / len(rows),
            "csat_avg": np.mean(answered),
            "csat_response_rate": len(answered) / len(sent),
            "bot_containment_rate": sum(r["bot_resolved"] == "true" for r in rows) / len(rows),
            "escalation_rate": sum(bool({"engineering", "legal", "security"} & set(r["tier_path"].split(">")))
                                   for r in rows) / len(rows),
        }
        for key, value in expected.items():
            assert float(q[key]) == pytest.approx(value, abs=1e-6), (q["quarter"], key)


def test_breach_flag_is_first_response_over_ten_minutes(truth_tickets: dict) -> None:
    for row in truth_tickets.values():
        minutes = float(row["first_response_minutes"]) if row["first_response_minutes"] else 0.0
        assert (row["is_first_response_breach"] == "true") == (minutes > 10)


def test_survey_coverage_is_below_full_early_and_full_from_the_third_quarter(
    demo: DemoSummary, read_csv: Callable[[Path], Rows]
) -> None:
    coverage = [float(q["feedback_coverage"]) for q in read_csv(demo.out / "truth" / "operations_quarterly.csv")]
    assert all(0.9 < c < 1.0 for c in coverage[:2])
    assert all(c == 1.0 for c in coverage[2:])


def test_survey_truth_matches_satisfaction_ratings(
    demo: DemoSummary, truth_tickets: dict, read_jsonl: Callable[[Path], list[dict]]
) -> None:
    ratings = {r["ticket_id"]: r for r in read_jsonl(demo.out / "zendesk" / "satisfaction_ratings.jsonl")}
    for ticket_id, row in truth_tickets.items():
        assert (row["feedback_requested"] == "true") == (ticket_id in ratings)
        if ticket_id in ratings:
            assert row["csat_rating"] == ("" if ratings[ticket_id]["rating"] is None
                                          else str(ratings[ticket_id]["rating"]))


def test_security_interventions_match_the_custom_fields(
    demo: DemoSummary, tickets: dict, custom_field: Callable, read_csv: Callable[[Path], Rows]
) -> None:
    rows = read_csv(demo.out / "truth" / "security_interventions.csv")
    assert rows
    flagged = {t for t, ticket in tickets.items() if custom_field(ticket, 360010000003)}
    assert flagged == {int(r["ticket_id"]) for r in rows}
    for row in rows:
        ticket = tickets[int(row["ticket_id"])]
        assert custom_field(ticket, 360010000003) == row["flagged_at"]
        assert custom_field(ticket, 360010000005) == row["actioned_at"]
        assert custom_field(ticket, 360010000004) == row["action"]
        assert (row["within_target"] == "true") == (int(row["minutes_to_intervention"]) < 15)
    within = sum(r["within_target"] == "true" for r in rows) / len(rows)
    assert 0.7 < within < 0.95


def test_deposit_recoveries_match_the_custom_fields(
    demo: DemoSummary, tickets: dict, custom_field: Callable, read_csv: Callable[[Path], Rows]
) -> None:
    rows = read_csv(demo.out / "truth" / "deposit_recoveries.csv")
    assert {r["method"] for r in rows} == {"automatic", "manual"}
    for row in rows:
        ticket = tickets[int(row["ticket_id"])]
        assert custom_field(ticket, 360010000006) == row["asset"]
        assert custom_field(ticket, 360010000007) == row["amount"]
        assert custom_field(ticket, 360010000009) == row["status"]
        assert (custom_field(ticket, 360010000010) or "") == row["recovered_at"]
    days = Counter((r["method"], float(r["days_to_recover"]) < 2) for r in rows if r["days_to_recover"])
    assert days[("automatic", True)] > 10 * days[("automatic", False)]
    assert days[("manual", False)] > days[("manual", True)]


def test_support_driven_share_is_about_forty_percent_per_year(
    demo: DemoSummary, read_csv: Callable[[Path], Rows]
) -> None:
    years: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for q in read_csv(demo.out / "truth" / "support_driven_share.csv"):
        years[q["quarter"][:4]][0] += int(q["shipped_improvements"])
        years[q["quarter"][:4]][1] += int(q["support_driven_improvements"])
    for year, (shipped, driven) in years.items():
        assert 0.3 <= driven / shipped <= 0.5, year


def test_improvements_are_shipped_stories_and_bugs_only(demo: DemoSummary, read_csv: Callable[[Path], Rows]) -> None:
    for item in read_csv(demo.out / "truth" / "backlog_items.csv"):
        shipped = item["status"] == "Done" and item["shipped_at"] != ""
        assert (item["is_improvement"] == "true") == (shipped and item["item_type"] in {"story", "bug"})
        assert (item["expected_ticket_drop"] == "true") == (item["is_improvement"] == "true"
                                                            and item["driving_theme"] != "")
        assert (item["link_style"] == "none") == (item["driving_theme"] == "")


def test_backlog_keys_on_tickets_point_at_open_items_of_their_theme(
    demo: DemoSummary, tickets: dict, truth_tickets: dict, custom_field: Callable,
    read_csv: Callable[[Path], Rows],
) -> None:
    items = {i["item_id"]: i for i in read_csv(demo.out / "truth" / "backlog_items.csv")}
    keyed = [(t, custom_field(ticket, 360010000002)) for t, ticket in tickets.items()
             if custom_field(ticket, 360010000002)]
    assert keyed
    for ticket_id, key in keyed:
        item = items[key]
        assert item["link_style"] == "backlog_key_on_tickets"
        assert item["driving_theme"] == truth_tickets[ticket_id]["theme"]
        assert item["created_at"] <= tickets[ticket_id]["created_at"]


def test_cited_ticket_ids_exist_and_belong_to_the_driving_theme(
    demo: DemoSummary, truth_tickets: dict, read_csv: Callable[[Path], Rows],
    read_jsonl: Callable[[Path], list[dict]],
) -> None:
    items = {i["item_id"]: i for i in read_csv(demo.out / "truth" / "backlog_items.csv")}
    cited = 0
    for path in sorted((demo.out / "jira").glob("issues-*.json")):
        for issue in json.loads(path.read_text(encoding="utf-8"))["issues"]:
            ids = [int(x) for x in re.findall(r"#(\d+)", issue["fields"]["description"])]
            ids += [int(x) for x in re.findall(r"/tickets/(\d+)", issue["fields"]["customfield_10050"] or "")]
            for ticket_id in ids:
                assert truth_tickets[ticket_id]["theme"] == items[issue["key"]]["driving_theme"]
                cited += 1
    assert cited > 0
