"""Volume over time: growth, incident spikes, and drops after support-driven fixes ship."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from closedloop.demo import DemoSummary, generate
from closedloop.demo.common import Period
from closedloop.demo.themes import THEMES
from closedloop.demo.timeline import build_timeline

Rows = list[dict[str, str]]


def _ts(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("seed", [7, 42, 1234])
def test_planned_volume_of_a_theme_drops_40_to_70_percent_after_its_fix_ships(seed: int) -> None:
    timeline = build_timeline(seed, Period.of(date(2024, 1, 1), 8), 8)
    for cycle in timeline.cycles:
        if cycle.shipped_day + 35 > timeline.period.days:
            continue
        weights = timeline.weights[:, cycle.theme]
        before = weights[cycle.shipped_day - 21 : cycle.shipped_day].mean()
        after = weights[cycle.shipped_day + 14 : cycle.shipped_day + 35].mean()
        assert 0.4 <= 1 - after / before <= 0.72, (THEMES[cycle.theme].slug, cycle)


def test_tickets_of_a_theme_drop_after_its_fixes_ship(
    demo: DemoSummary, truth_tickets: dict, read_csv: Callable[[Path], Rows]
) -> None:
    created: dict[str, list[datetime]] = {}
    for row in truth_tickets.values():
        created.setdefault(row["theme"], []).append(_ts(row["created_at"]))
    before = after = 0
    for item in read_csv(demo.out / "truth" / "backlog_items.csv"):
        if item["expected_ticket_drop"] != "true":
            continue
        shipped = _ts(item["shipped_at"])
        if shipped + timedelta(days=35) > datetime(2026, 1, 1):
            continue
        days = np.array(created[item["driving_theme"]], dtype="datetime64[s]")
        ship = np.datetime64(shipped)
        before += ((days >= ship - np.timedelta64(21, "D")) & (days < ship)).sum()
        after += ((days >= ship + np.timedelta64(14, "D")) & (days < ship + np.timedelta64(35, "D"))).sum()
    assert after < 0.6 * before


def test_roadmap_items_are_not_tied_to_any_theme(demo: DemoSummary, read_csv: Callable[[Path], Rows]) -> None:
    roadmap = [i for i in read_csv(demo.out / "truth" / "backlog_items.csv") if i["link_style"] == "none"]
    assert roadmap
    assert all(i["expected_ticket_drop"] == "false" and i["driving_theme"] == "" for i in roadmap)


def test_volume_grows_over_the_eight_quarters(demo: DemoSummary, read_csv: Callable[[Path], Rows]) -> None:
    quarterly = [int(q["tickets_resolved"]) for q in read_csv(demo.out / "truth" / "operations_quarterly.csv")]
    assert sum(quarterly[-2:]) > 1.3 * sum(quarterly[:2])


def test_incident_weeks_carry_more_of_their_theme_than_the_weeks_around_them() -> None:
    timeline = build_timeline(42, Period.of(date(2024, 1, 1), 8), 8)
    assert len({i.theme for i in timeline.incidents}) >= 5
    for incident in timeline.incidents:
        weights = timeline.weights[:, incident.theme]
        spike = weights[incident.start_day : incident.start_day + 7].mean()
        around = np.r_[weights[max(0, incident.start_day - 28) : incident.start_day - 7],
                       weights[incident.start_day + incident.days + 7 : incident.start_day + incident.days + 28]]
        assert spike > 1.5 * around.mean()


def test_progress_reports_every_stage_with_counts_and_seconds(tmp_path: Path) -> None:
    lines: list[str] = []
    generate(tmp_path / "out", tickets=200, seed=3, quarters=2, progress=lines.append)
    assert [line.split(":")[0] for line in lines] == ["people", "timeline", "backlog", "tickets", "jira", "truth"]
    assert all(line.endswith(" s)") for line in lines)


@pytest.mark.parametrize(("tickets", "quarters"), [(0, 8), (100, 0)])
def test_generate_rejects_non_positive_sizes(tmp_path: Path, tickets: int, quarters: int) -> None:
    with pytest.raises(ValueError, match="must be positive"):
        generate(tmp_path, tickets=tickets, quarters=quarters)


def test_planning_labels_mark_most_roadmap_work_and_a_few_fixes(
    demo: DemoSummary, read_csv: Callable[[Path], Rows]
) -> None:
    """Labels are evidence the link confidence uses, so the demo must not make them a perfect tell."""
    labels: dict[str, set[str]] = {}
    for page in sorted((demo.out / "jira").glob("issues-*.json")):
        for issue in json.loads(page.read_text())["issues"]:
            labels[issue["key"]] = set(issue["fields"].get("labels") or [])
    improvements = [i for i in read_csv(demo.out / "truth" / "backlog_items.csv") if i["is_improvement"] == "true"]
    roadmap = [bool(labels[i["item_id"]] & {"roadmap", "okr"}) for i in improvements if not i["driving_theme"]]
    fixes = [bool(labels[i["item_id"]] & {"roadmap", "okr"}) for i in improvements if i["driving_theme"]]
    assert roadmap
    assert fixes
    assert 0.65 <= sum(roadmap) / len(roadmap) <= 0.95, f"{sum(roadmap)} of {len(roadmap)} roadmap items labelled"
    assert 0 < sum(fixes) / len(fixes) <= 0.25, f"{sum(fixes)} of {len(fixes)} fixes labelled roadmap"


def test_an_engineering_fault_filed_again_is_mostly_worded_differently(
    demo: DemoSummary, read_csv: Callable[[Path], Rows]
) -> None:
    """Link evidence asks whether an item reads like an earlier explicit fix, so the demo must not
    make every repeat of a fault a verbatim copy of its first title (a real tracker rarely does)."""
    from closedloop.demo import backlog_text as bt

    wording: dict[str, tuple[str, int, int]] = {}
    for slug, faults in bt.ENGINEERING_WORDS.items():
        for fault, first in enumerate(faults):
            for number, (summary, _) in enumerate((first, *bt.ENGINEERING_REPHRASED[slug][fault])):
                for chain in bt.CHAINS:
                    wording[summary.format(chain=chain)] = (slug, fault, number)
    summaries = {}
    for page in sorted((demo.out / "jira").glob("issues-*.json")):
        for issue in json.loads(page.read_text())["issues"]:
            summaries[issue["key"]] = issue["fields"]["summary"]
    filed: dict[tuple[str, int], list[int]] = {}
    for item in read_csv(demo.out / "truth" / "backlog_items.csv"):
        if item["driving_theme"] and summaries[item["item_id"]] in wording:
            slug, fault, number = wording[summaries[item["item_id"]]]
            assert slug == item["driving_theme"], item
            filed.setdefault((slug, fault), []).append(number)
    assert {n for numbers in filed.values() for n in numbers} == {0, 1, 2}
    repeats = sum(len(numbers) - 1 for numbers in filed.values())
    verbatim = sum(len(numbers) - len(set(numbers)) for numbers in filed.values())
    assert repeats >= 5, f"only {repeats} engineering faults filed again"
    assert verbatim <= 0.75 * repeats, f"{verbatim} of {repeats} repeats copy an earlier wording"
