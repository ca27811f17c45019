"""The noisier demo: a share of support-driven items cite (or carry the key of) another theme's tickets."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from closedloop.demo import generate


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _cited_themes(out: Path) -> dict[str, set[str]]:
    """Item key -> planted themes of the tickets it cites in its description or help-desk links."""
    ticket_theme = {row["ticket_id"]: row["theme"] for row in _rows(out / "truth" / "tickets.csv")}
    cited: dict[str, set[str]] = {}
    for page in sorted((out / "jira").glob("issues-*.json")):
        for issue in json.loads(page.read_text(encoding="utf-8"))["issues"]:
            fields = issue["fields"]
            ids = re.findall(r"#(\d{5,})", fields["description"] or "")
            ids += re.findall(r"/tickets/(\d+)", fields.get("customfield_10050") or "")
            if ids:
                cited[issue["key"]] = {ticket_theme[i] for i in ids if i in ticket_theme}
    return cited


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("noisy")
    generate(root / "clean", tickets=1_500, seed=3)
    generate(root / "noisy", tickets=1_500, seed=3, relabel_references=0.2)
    return root / "clean", root / "noisy"


def test_about_a_fifth_of_citing_items_cite_another_themes_tickets(demos):
    clean, noisy = demos
    driving = {row["item_id"]: row["driving_theme"] for row in _rows(noisy / "truth" / "backlog_items.csv")}
    wrong = {path.name: sum(1 for key, themes in _cited_themes(path).items()
                            if driving.get(key) and driving[key] not in themes)
             for path in (clean, noisy)}
    citing = sum(1 for key in _cited_themes(noisy) if driving.get(key))
    assert wrong["clean"] == 0
    assert 0.1 * citing <= wrong["noisy"] <= 0.35 * citing, (wrong, citing)


def test_relabelled_references_leave_the_planted_truth_of_items_and_shares_unchanged(demos):
    clean, noisy = demos
    for name in ("backlog_items.csv", "support_driven_share.csv"):
        assert _rows(noisy / "truth" / name) == _rows(clean / "truth" / name)


def test_a_rate_outside_zero_to_one_is_refused(tmp_path):
    with pytest.raises(ValueError, match="relabel_references must be between 0 and 1"):
        generate(tmp_path, tickets=10, seed=3, relabel_references=1.5)
