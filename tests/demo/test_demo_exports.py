"""Every export file has the shape docs/export-formats.md describes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from closedloop.demo import DemoSummary

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
JIRA_TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$")
CHANNELS = {"chat", "native_messaging", "email", "web", "mobile_sdk", "twitter", "facebook", "voice"}
CUSTOM_FIELD_IDS = set(range(360010000001, 360010000011))


def _lines(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_every_ticket_line_has_the_fields_the_connector_reads(demo: DemoSummary) -> None:
    for t in _lines(demo.out / "zendesk" / "tickets.jsonl"):
        assert {"id", "created_at", "updated_at", "subject", "description", "status", "priority", "via",
                "requester_id", "assignee_id", "group_id", "tags", "metric_set", "custom_fields"} <= set(t)
        assert ISO.match(t["created_at"])
        assert ISO.match(t["updated_at"])
        assert t["updated_at"] >= t["created_at"]
        assert t["via"]["channel"] in CHANNELS
        assert t["priority"] in {"low", "normal", "high", "urgent", None}
        assert {f["id"] for f in t["custom_fields"]} == CUSTOM_FIELD_IDS
        assert isinstance(t["tags"], list)


def test_the_latest_version_of_every_ticket_is_solved_or_closed(tickets: dict[int, dict]) -> None:
    assert {t["status"] for t in tickets.values()} <= {"solved", "closed"}
    assert all(ISO.match(t["metric_set"]["solved_at"]) for t in tickets.values())


def test_every_audit_has_unique_ids_and_typed_events(demo: DemoSummary) -> None:
    audit_ids, event_ids = set(), set()
    for audit in _lines(demo.out / "zendesk" / "ticket_audits.jsonl"):
        assert {"id", "ticket_id", "created_at", "author_id", "via", "events"} <= set(audit)
        assert ISO.match(audit["created_at"])
        assert audit["id"] not in audit_ids
        audit_ids.add(audit["id"])
        for event in audit["events"]:
            assert event["id"] not in event_ids
            event_ids.add(event["id"])
            if event["type"] == "Comment":
                assert isinstance(event["public"], bool)
                assert isinstance(event["author_id"], int)
            else:
                assert event["type"] in {"Create", "Change"}
                assert event["field_name"] in {"status", "group_id", "assignee_id", "priority"}
                assert "value" in event
                assert ("previous_value" in event) == (event["type"] == "Change")


def test_every_ticket_starts_with_a_create_audit(audits: dict[int, list[dict]], tickets: dict[int, dict]) -> None:
    assert set(audits) == set(tickets)
    for trail in audits.values():
        fields = {e["field_name"] for e in trail[0]["events"] if e["type"] == "Create"}
        assert {"status", "priority", "group_id"} <= fields


def test_ticket_updated_at_is_not_before_its_last_audit(
    tickets: dict[int, dict], audits: dict[int, list[dict]]
) -> None:
    for ticket_id, ticket in tickets.items():
        assert ticket["updated_at"] >= max(a["created_at"] for a in audits[ticket_id])


def test_satisfaction_ratings_have_consistent_score_and_rating(demo: DemoSummary) -> None:
    for r in _lines(demo.out / "zendesk" / "satisfaction_ratings.jsonl"):
        assert {"id", "ticket_id", "assignee_id", "requester_id", "group_id", "score", "rating", "comment",
                "created_at", "updated_at"} <= set(r)
        expected = "offered" if r["rating"] is None else ("good" if r["rating"] >= 4 else "bad")
        assert r["score"] == expected
        assert r["updated_at"] >= r["created_at"]


def test_users_and_groups_are_the_tiers_agents_and_one_bot(demo: DemoSummary) -> None:
    groups = _lines(demo.out / "zendesk" / "groups.jsonl")
    assert [g["name"] for g in groups] == ["Bot", "L1 Support", "VIP", "Engineering", "Legal", "Security"]
    users = _lines(demo.out / "zendesk" / "users.jsonl")
    assert sum(u["user_fields"]["is_bot"] for u in users) == 1
    assert all(u["role"] in {"agent", "admin"} and u["default_group_id"] in {g["id"] for g in groups}
               for u in users)


def test_qa_reviews_have_the_documented_header_and_scores(
    demo: DemoSummary, read_csv: Callable[[Path], list[dict[str, str]]]
) -> None:
    path = demo.out / "qa" / "qa_reviews.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header == "review_id,ticket_id,agent_id,reviewer_id,reviewed_at,tone,accuracy,compliance,resolution,comment"
    rows = read_csv(path)
    assert rows
    for row in rows:
        assert all(0 <= int(row[k]) <= 100 for k in ("tone", "accuracy", "compliance", "resolution"))


def test_jira_pages_have_consistent_start_at_and_total(demo: DemoSummary) -> None:
    pages = sorted((demo.out / "jira").glob("issues-*.json"))
    assert [p.name for p in pages] == [f"issues-{i:04d}.json" for i in range(len(pages))]
    keys = []
    for i, path in enumerate(pages):
        page = json.loads(path.read_text(encoding="utf-8"))
        assert page["startAt"] == i * 100
        assert page["maxResults"] == 100
        assert page["total"] == demo.backlog_items
        assert len(page["issues"]) == min(100, page["total"] - page["startAt"])
        keys += [issue["key"] for issue in page["issues"]]
    assert len(keys) == len(set(keys)) == demo.backlog_items


def test_jira_issues_have_the_fields_the_connector_reads(demo: DemoSummary) -> None:
    for path in sorted((demo.out / "jira").glob("issues-*.json")):
        for issue in json.loads(path.read_text(encoding="utf-8"))["issues"]:
            f = issue["fields"]
            assert issue["key"].startswith("EX-")
            assert f["issuetype"]["name"] in {"Epic", "Story", "Bug", "Task"}
            category = f["status"]["statusCategory"]["key"]
            assert (f["status"]["name"], category) in {("To Do", "new"), ("In Progress", "indeterminate"),
                                                       ("Done", "done")}
            assert JIRA_TS.match(f["created"])
            assert JIRA_TS.match(f["updated"])
            assert (f["resolutiondate"] is not None) == (category == "done")
            assert isinstance(f["labels"], list)
            assert isinstance(f["components"], list)
            assert "customfield_10050" in f
            assert "parent" in f
