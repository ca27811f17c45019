"""Demo data: the exports of a crypto exchange's support operation, with planted truth.

``generate(out, tickets=20_000, seed=42)`` writes Zendesk JSONL exports, a QA CSV, Jira search
pages and ``truth/``; the same arguments always give byte-identical files.
"""

from closedloop.demo.generate import DemoSummary, generate

__all__ = ["DemoSummary", "generate"]
