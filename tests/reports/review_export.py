"""A small app-review export for the report tests: reviews only, no agent replies, no backlog, no CSAT.

Reviews are written as one CSV read by the generic connector; status, channel, updated_at and
solved_at are given explicitly (a review is solved when it is posted). The export starts mid
February and ends early November 2024, so 2024Q1 and 2024Q4 are only partly covered. Requests for dark mode stop
on :data:`DARK_MODE_SHIPPED`.
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

import yaml

FIRST_REVIEW = datetime(2024, 2, 15, 9, 0)
LAST_REVIEW = datetime(2024, 11, 8, 18, 0)
DARK_MODE_SHIPPED = datetime(2024, 9, 1)
"""No review asks for dark mode after this day: the theme declines within the covered range."""
TOPICS = {
    "crash": ("App crashes on launch", ["The app crashes every time I open it",
                                        "Crashes on startup after the update",
                                        "It closes itself right after the splash screen",
                                        "Instant crash when opening"]),
    "login": ("Cannot log in", ["Login fails with an unknown error", "I cannot sign in since yesterday",
                                "The password reset email never arrives so I cannot log in",
                                "Two factor code is rejected and I am locked out"]),
    "battery": ("Battery drain", ["This app drains my battery overnight", "Battery usage is huge in the background",
                                  "My phone gets hot and the battery dies because of this app",
                                  "Background battery drain is terrible"]),
    "dark": ("Please add dark mode", ["Please add a dark mode for night reading", "Dark theme would be great",
                                      "I would love a dark mode option", "The white screen is too bright at night"]),
}


def review_rows(seed: int = 7) -> list[dict[str, str]]:
    """Reviews every few hours between :data:`FIRST_REVIEW` and :data:`LAST_REVIEW`, cycling the topics."""
    rng = random.Random(seed)
    rows, at, n = [], FIRST_REVIEW, 0
    topics = list(TOPICS)
    while at <= LAST_REVIEW:
        topic = topics[n % len(topics)]
        if topic == "dark" and at >= DARK_MODE_SHIPPED:
            topic = "crash"
        title, bodies = TOPICS[topic]
        stamp = at.isoformat(sep=" ")
        rows.append({"review_id": f"R{n:05d}", "posted": stamp, "title": title,
                     "text": rng.choice(bodies),
                     "state": "solved", "kind": "in_app", "edited": stamp, "answered": stamp})
        at += timedelta(hours=rng.randint(8, 16))
        n += 1
    return rows


def write_review_export(folder: Path) -> list[dict[str, str]]:
    """Write ``reviews/app-store.csv`` and ``closedloop-sources.yml`` into ``folder``; return the rows."""
    rows = review_rows()
    (folder / "reviews").mkdir(parents=True, exist_ok=True)
    with (folder / "reviews" / "app-store.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (folder / "closedloop-sources.yml").write_text(yaml.safe_dump({"tickets": {
        "connector": "generic", "files": "reviews/*.csv",
        "columns": {"ticket_id": "review_id", "created_at": "posted", "updated_at": "edited",
                    "solved_at": "answered", "subject": "title", "body": "text", "status": "state",
                    "channel": "kind"},
        "defaults": {"priority": "normal", "language": "en"},
    }}), encoding="utf-8")
    return rows
