"""Assemble a duplicate-issue pair set from an Apache JIRA export (one JSON file per issue).

Source: the public repository SPEAR-SE/LogInBugReportsEmpirical_Data (commit ab9603c6, folder
``bug_reports/<Project>/``: each ``KEY-n.json`` is the JIRA REST representation of one issue, with
``summary``, ``description``, ``labels``, ``components`` and ``issuelinks``). See
``bench/link_pairs/README.md`` for provenance, rule, counts and licence.

Rule: a JIRA link of type ``Duplicate`` whose outward side says "A duplicates B" and whose two
issues are both in the export is a judged pair. The duplicate A (written in its reporter's words)
is the query; B, an item of the tracker, is the target. Every issue that is a duplicate of another
is a query and is removed from the backlog (so it cannot find itself); pairs whose target is itself
a query are dropped. The backlog is every other issue of the project, with its long body.

Writes ``queries.csv`` (query_id,text), ``backlog.csv`` (item_id,title,body,labels,components) and
``gold.csv`` (query_id,item_id) to ``--out``.

Usage: python bench/link_pairs/jira_duplicates.py --source DIR/bug_reports/YARN --out /work/research/link_pairs/yarn
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any


def load_issues(source: Path) -> dict[str, dict[str, Any]]:
    """Issue key to JIRA ``fields`` for every readable ``*.json`` in ``source`` (other files skipped)."""
    issues: dict[str, dict[str, Any]] = {}
    for path in sorted(source.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"{path}: skipped ({exc})", file=sys.stderr)
            continue
        if isinstance(record, dict) and "fields" in record and "key" in record:
            issues[record["key"]] = record["fields"]
    return issues


def duplicate_pairs(issues: dict[str, dict[str, Any]]) -> set[tuple[str, str]]:
    """``(duplicate, original)`` pairs from ``Duplicate`` links with both issues in ``issues``."""
    pairs: set[tuple[str, str]] = set()
    for key, fields in issues.items():
        for link in fields.get("issuelinks") or []:
            if (link.get("type") or {}).get("name") != "Duplicate":
                continue
            if "outwardIssue" in link:  # "key duplicates outward"
                pair = (key, link["outwardIssue"]["key"])
            else:  # "inward duplicates key"
                pair = (link["inwardIssue"]["key"], key)
            if pair[0] in issues and pair[1] in issues and pair[0] != pair[1]:
                pairs.add(pair)
    return pairs


def _text(fields: dict[str, Any]) -> tuple[str, str]:
    title = " ".join((fields.get("summary") or "").split())
    body = (fields.get("description") or "").replace("\r\n", "\n").strip()
    return title, body


def assemble(source: Path, out: Path) -> dict[str, int]:
    """Write the three CSVs of one project; returns the counts."""
    issues = load_issues(source)
    pairs = duplicate_pairs(issues)
    queries = {a for a, _ in pairs}
    gold = sorted((a, b) for a, b in pairs if b not in queries)
    queries = {a for a, _ in gold}
    out.mkdir(parents=True, exist_ok=True)
    with (out / "queries.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["query_id", "text"])
        for key in sorted(queries):
            title, body = _text(issues[key])
            writer.writerow([key, f"{title}\n{body}".strip()])
    backlog = [key for key in sorted(issues) if key not in queries]
    with (out / "backlog.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["item_id", "title", "body", "labels", "components"])
        for key in backlog:
            fields = issues[key]
            title, body = _text(fields)
            labels = ";".join(fields.get("labels") or [])
            components = ";".join(c.get("name", "") for c in fields.get("components") or [])
            writer.writerow([key, title, body, labels, components])
    with (out / "gold.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["query_id", "item_id"])
        writer.writerows(gold)
    return {"issues": len(issues), "duplicate_links": len(pairs), "queries": len(queries),
            "gold_pairs": len(gold), "backlog_items": len(backlog)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="folder of KEY-n.json files of one project")
    parser.add_argument("--out", required=True, help="output folder (outside the repository)")
    args = parser.parse_args()
    counts = assemble(Path(args.source), Path(args.out))
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
