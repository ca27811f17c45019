"""Every connector survives hostile exports: no crash, every record accounted for, every reason names a field.

Hypothesis draws, per example, a seed and a hostility profile (share of wrong values, of missing and
extra fields, of garbage lines, line endings, a byte-order mark...) plus a few lines and strings of its
own (raw bytes, odd unicode). A seeded generator expands them into an export of many records (about
1,000 per example, so the cost of a DuckDB load is shared), written in each format the connector
reads. The real loader (``load_entity`` on a real DuckDB file) then loads it. For each file:

* nothing is raised but :class:`UnreadableFileError`, the documented per-file error, and after it
  the table is as it was;
* records read = valid + quarantined + skipped (records that map to no row, such as blank lines and
  end users); an audit record may hold several events, so there the records with only valid events
  lie between zero and the valid rows;
* every quarantine row names its file, a line of it, and a canonical field (or ``(record)`` for a
  line that cannot be read as a record).

Each connector sees at least 10,000 generated records; a summary line per connector gives the counts
and seconds (``pytest -s`` shows it).
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from closedloop.core.errors import UnreadableFileError
from closedloop.ingest.config import SourceSpec, load_config
from closedloop.ingest.load import load_entity, open_warehouse
from closedloop.ingest.schema import ENTITIES

RECORDS_PER_CONNECTOR = 10_000
RECORDS_PER_EXAMPLE = (900, 1_100)

ODD_TEXT = ["", " ", "\u3000", "\u00a0x\u00a0", "\u202eevil", "\ufeffbom", "e\u0301", "😀" * 3, "\u2028", "\x00",
            "'; DROP TABLE raw.tickets; --", "\\x41", "\r", "\r\n", "a\rb", "{", '"', "NaN", "null", "x" * 5000,
            "\ud800", "ﷺ", "Ǆ", "İ", "ß", "\t\t"]
NUMBERS: list[Any] = [0, -1, 1.5, -40011.0, 2**63, 2**70, -(2**70), 1e308, -1e308, 1e-320, 3.0, 40011.0]
DATES = ["1900-01-01T00:00:00Z", "2999-12-31T23:59:59Z", "-0001-06-15T10:00:00Z", "0000-01-01", "infinity",
         "-infinity", "epoch", "2024-02-30T00:00:00Z", "2024-13-01", "yesterday", "2024-03-01T25:00:00Z",
         "2024-03-01 09:00:00+14:00", "99999-01-01", "2024-03-01", "1712000000", "1999-12-31T23:59:59Z"]
WEIRD: list[Any] = [None, True, False, [], {}, [1, 2], {"a": 1}, "", *NUMBERS, *ODD_TEXT[:12], *DATES[:6]]


@dataclass(frozen=True)
class Profile:
    """How hostile one export is."""

    seed: int
    records: int
    wrong: float  # share of fields given a wrong value
    missing: float  # share of fields left out
    garbage: float  # share of lines that are not records
    crlf: bool
    bom: bool
    drawn_lines: tuple[bytes, ...]  # lines Hypothesis made up
    drawn_texts: tuple[str, ...]  # strings Hypothesis made up


def profiles() -> st.SearchStrategy[Profile]:
    """Hostility profiles; the records themselves are expanded from the seed."""
    return st.builds(
        Profile,
        seed=st.integers(0, 2**32 - 1),
        records=st.integers(*RECORDS_PER_EXAMPLE),
        wrong=st.sampled_from([0.0, 0.02, 0.1, 0.4, 1.0]),
        missing=st.sampled_from([0.0, 0.05, 0.3]),
        garbage=st.sampled_from([0.0, 0.01, 0.1]),
        crlf=st.booleans(),
        bom=st.booleans(),
        drawn_lines=st.lists(st.binary(max_size=80), max_size=4).map(tuple),
        drawn_texts=st.lists(st.text(max_size=40), max_size=4).map(tuple),
    )


class Hostile:
    """Values for one export: mostly plausible, wrong in the share the profile says."""

    def __init__(self, profile: Profile) -> None:
        self.rng = random.Random(profile.seed)
        self.profile = profile
        self.texts = [*ODD_TEXT, *profile.drawn_texts]

    def value(self, plausible: Callable[[], Any]) -> Any:
        roll = self.rng.random()
        if roll < self.profile.wrong / 2:
            return self.rng.choice(WEIRD)
        if roll < self.profile.wrong:
            return self.rng.choice([*self.texts, *DATES, *NUMBERS])
        return plausible()

    def record(self, fields: dict[str, Callable[[], Any]]) -> dict[str, Any]:
        out = {k: self.value(make) for k, make in fields.items() if self.rng.random() >= self.profile.missing}
        if self.rng.random() < self.profile.wrong:
            out[self.rng.choice(["extra", "id ", "ÿ", "__proto__", "source_line"])] = self.rng.choice(WEIRD)
        return out

    def id(self, low: int = 1, high: int = 400) -> Any:  # a small range: duplicates are common
        n = self.rng.randint(low, high)
        return self.rng.choice([n, n, str(n), float(n)])

    def date(self) -> str:
        return f"202{self.rng.randint(1, 5)}-{self.rng.randint(1, 12):02}-{self.rng.randint(1, 28):02}T" \
               f"{self.rng.randint(0, 23):02}:{self.rng.randint(0, 59):02}:00Z"

    def text(self) -> str:
        return self.rng.choice(["Withdrawal stuck", "KYC rejected, mail me at a@b.co", *self.texts])

    def pick(self, *options: Any) -> Callable[[], Any]:
        return lambda: self.rng.choice(options)


# --- records of each entity, as the source system writes them --------------------------------------

def zendesk_ticket(h: Hostile) -> dict[str, Any]:
    ticket = h.record({
        "id": h.id, "created_at": lambda: "2021-01-01T00:00:00Z", "updated_at": h.date, "subject": h.text,
        "description": h.text, "status": h.pick("solved", "closed", "open", "Solved", "archived"),
        "priority": h.pick("low", "normal", "urgent", None, "p1"), "requester_id": h.id,
        "assignee_id": lambda: h.id(1001, 1012), "group_id": lambda: h.id(1, 6), "tags": lambda: ["a", h.text()],
        "via": lambda: {"channel": h.rng.choice(["chat", "voice", "email", "fax", h.text()])},
        "custom_fields": lambda: [{"id": 360010000001, "value": h.rng.choice(["en", "zh", None, 5])},
                                  {"id": 360010000007, "value": h.value(lambda: "12.5")}],
        "metric_set": lambda: {"solved_at": h.value(h.date)},
    })
    return ticket


def zendesk_audit(h: Hostile) -> dict[str, Any]:
    def events() -> list[Any]:
        return [h.record({"id": lambda: h.id(1, 10**9), "type": h.pick("Comment", "Change", "create", "Notification"),
                          "field_name": h.pick("status", "group_id", None), "value": h.text,
                          "previous_value": h.text, "public": h.pick(True, False, "yes"), "author_id": h.id})
                for _ in range(h.rng.randint(0, 3))]
    return h.record({"id": h.id, "ticket_id": lambda: h.id(1, 320), "created_at": h.date, "author_id": h.id,
                     "events": events})


def zendesk_rating(h: Hostile) -> dict[str, Any]:
    return h.record({"id": h.id, "ticket_id": lambda: h.id(1, 320), "score": h.pick("good", "bad", "offered", "meh"),
                     "rating": h.pick(1, 5, 0, 7, 3.0, None), "comment": h.text, "created_at": h.date,
                     "updated_at": lambda: "2025-12-31T00:00:00Z", "assignee_id": h.id, "requester_id": h.id})


def zendesk_user(h: Hostile) -> dict[str, Any]:
    return h.record({"id": h.id, "name": h.text, "role": h.pick("agent", "admin", "end-user"),
                     "default_group_id": h.id, "active": h.pick(True, False),
                     "user_fields": lambda: {"is_bot": h.rng.choice([True, False, "no"])}, "created_at": h.date})


def zendesk_group(h: Hostile) -> dict[str, Any]:
    return h.record({"id": h.id, "name": h.text, "created_at": h.date})


def jira_issue(h: Hostile) -> dict[str, Any]:
    def fields() -> dict[str, Any]:
        return h.record({
            "summary": h.text, "description": h.text,
            "issuetype": lambda: {"name": h.rng.choice(["Bug", "Story", "x"])},
            "status": lambda: {"name": "Done", "statusCategory": {"key": h.rng.choice(["done", "new", "odd"])}},
            "priority": lambda: {"name": "High"}, "created": lambda: "2021-01-01T00:00:00.000+0000",
            "updated": h.date, "resolutiondate": h.date, "labels": lambda: [h.text()],
            "components": lambda: [{"name": h.text()}], "parent": lambda: {"key": f"EX-{h.rng.randint(1, 9)}"},
            "customfield_10050": h.text,
        })
    return h.record({"id": h.id, "key": lambda: f"EX-{h.rng.randint(1, 400)}", "fields": fields})


def qa_review(h: Hostile) -> dict[str, Any]:
    score = lambda: h.rng.choice([0, 50, 100, 101, -1, 99.5])  # noqa: E731
    return h.record({"review_id": lambda: f"QA-{h.rng.randint(1, 400)}", "ticket_id": lambda: h.id(1, 320),
                     "agent_id": lambda: h.id(1001, 1012), "reviewer_id": h.id, "reviewed_at": h.date,
                     "tone": score, "accuracy": score, "compliance": score, "resolution": score,
                     "comment": h.text})


# --- files ---------------------------------------------------------------------------------------------

def _garbage_line(h: Hostile, record: str) -> bytes:
    kind = h.rng.randrange(6)
    if kind == 0:
        return h.rng.randbytes(h.rng.randint(1, 60)).replace(b"\n", b"")
    if kind == 1:
        return _encode(record[: h.rng.randint(1, max(1, len(record) - 1))])  # truncated JSON
    if kind == 2:
        return json.dumps(h.rng.choice(WEIRD)).encode()  # JSON that is not an object
    if kind == 3:
        return _encode(record).replace(b"e", b"\xe9", 1)  # not UTF-8
    if kind == 4:
        return _encode(record.replace(",", "\r", 1))  # a lone carriage return
    return b" \t "  # blank


def jsonl_bytes(h: Hostile, records: list[Any]) -> tuple[bytes, int]:
    """JSON lines with the profile's hazards; returns the bytes and the number of lines."""
    lines = []
    for record in records:
        text = json.dumps(record, ensure_ascii=h.rng.random() < 0.5)
        lines.append(_garbage_line(h, text) if h.rng.random() < h.profile.garbage else _encode(text))
    for drawn in h.profile.drawn_lines:
        lines.insert(h.rng.randint(0, len(lines)), drawn)
    body = b"\n".join(lines)
    if h.profile.crlf:
        body = body.replace(b"\n", b"\r\n")
    return (b"\xef\xbb\xbf" if h.profile.bom else b"") + body + b"\n", body.count(b"\n") + 1


def _encode(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogatepass")  # a lone surrogate becomes bytes that are not UTF-8


def _cell(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def csv_bytes(h: Hostile, records: list[dict[str, Any]], header: list[str]) -> tuple[bytes, int]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if h.profile.crlf else "\n",
                        quoting=h.rng.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    writer.writerow(header)
    for record in records:
        row = [_cell(record.get(name, "")) for name in header]
        if h.rng.random() < h.profile.garbage:  # ragged rows
            row = row[: h.rng.randint(0, len(row))] if h.rng.random() < 0.5 else [*row, "extra"]
        writer.writerow(row)
    text = out.getvalue().replace("\ud800", "?")
    data = text.encode("utf-8")
    if h.profile.bom and h.profile.garbage:
        data = data.replace(b"Withdrawal", b"W\xffthdrawal", 1)  # one line not UTF-8: the file is unreadable
    return data, len(re.split(rb"\r\n|\r|\n", data))  # a CSV line ends at CR, LF or both


def parquet_bytes(records: list[dict[str, Any]], header: list[str]) -> tuple[bytes, int]:
    columns = {name: pa.array([None if name not in r else _cell(r[name]).replace("\ud800", "?") for r in records],
                              pa.string()) for name in header}
    sink = io.BytesIO()
    pq.write_table(pa.table(columns), sink)
    return sink.getvalue(), len(records)


# --- loading and checking ------------------------------------------------------------------------------

@dataclass
class Tally:
    """Records generated and seconds spent, per connector."""

    records: int = 0
    files: int = 0
    unreadable: int = 0
    seconds: float = 0.0


def check_load(con: duckdb.DuckDBPyConnection, spec: SourceSpec, folder: Path, path: Path, lines: int) -> bool:
    """Load the one file in ``folder`` and check the properties; return whether it was readable."""
    entity = ENTITIES[spec.entity]
    before = con.execute(f"SELECT count(*) FROM {entity.table}").fetchone()
    try:
        report = load_entity(con, spec, folder)
    except UnreadableFileError as exc:
        error = exc
    else:
        error = None
    if error is not None:
        assert error.path == path.resolve(), error
        assert con.execute(f"SELECT count(*) FROM {entity.table}").fetchone() == before
        return False
    quarantined, skipped, valid = report.rows_quarantined, report.rows_skipped, report.rows_valid
    if spec.entity == "ticket_events":
        assert 0 <= report.rows_read - quarantined - skipped <= valid, report
    else:
        assert report.rows_read == valid + quarantined + skipped, report
    assert report.rows_read <= lines, (report.rows_read, lines)
    fields = {c.name for c in entity.columns} | {"(record)"}
    for source_file, line, field, reason in con.execute(
        "SELECT source_file, source_line, field, reason FROM raw.quarantine WHERE entity = ?", [spec.entity]
    ).fetchall():
        if source_file != str(path.resolve()):
            continue
        assert 1 <= line <= lines, (line, lines)
        assert field in fields, (field, reason)
        assert reason, (field, line)
    return True


@pytest.fixture(scope="module")
def fuzz_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    """A warehouse holding tickets 1-300, groups 1-5 and agents 1001-1010, and a folder for export files."""
    root = tmp_path_factory.mktemp("fuzz")
    con = open_warehouse(root / "warehouse.duckdb")
    con.execute("INSERT INTO raw.tickets (ticket_id, created_at, updated_at, status, channel) "
                "SELECT i::VARCHAR, TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-01', 'solved', 'chat' "
                "FROM range(1, 301) t(i)")
    con.execute("INSERT INTO raw.groups (group_id, name) SELECT i::VARCHAR, 'g' FROM range(1, 6) t(i)")
    con.execute("INSERT INTO raw.agents (agent_id) SELECT i::VARCHAR FROM range(1001, 1011) t(i)")
    yield con, root
    con.close()


# No shrinking: records are expanded from a seed, so a smaller seed is no simpler export, and each
# step would be a load. A failure prints its profile, enough to reproduce it.
FUZZ = settings(max_examples=11, deadline=None, database=None, print_blob=True,
                phases=[Phase.explicit, Phase.reuse, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def fuzz(con: duckdb.DuckDBPyConnection, root: Path, tally: Tally, spec: SourceSpec, name: str,
         write: Callable[[Hostile], tuple[bytes, int]], examples: int) -> None:
    """Run ``examples`` Hypothesis examples writing ``name`` with ``write`` and loading it with ``spec``."""
    folder = root / spec.entity / Path(name).suffix.lstrip(".")
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)

    spec = replace(spec, files=(name,))

    @settings(FUZZ, max_examples=examples)
    @given(profiles())
    def run(profile: Profile) -> None:
        started = time.perf_counter()
        data, lines = write(Hostile(profile))
        path.write_bytes(data)
        readable = check_load(con, spec, folder, path, lines)
        tally.records += profile.records
        tally.files += 1
        tally.unreadable += not readable
        tally.seconds += time.perf_counter() - started

    run()


def _report(connector: str, tally: Tally) -> None:
    print(f"\nfuzz {connector}: {tally.records:,} records in {tally.files} files ({tally.unreadable} unreadable as "
          f"a whole), {tally.seconds:.1f}s")
    assert tally.records >= RECORDS_PER_CONNECTOR


def _jsonl(make: Callable[[Hostile], Any]) -> Callable[[Hostile], tuple[bytes, int]]:
    return lambda h: jsonl_bytes(h, [make(h) for _ in range(h.profile.records)])


def _page(make: Callable[[Hostile], Any], key: str) -> Callable[[Hostile], tuple[bytes, int]]:
    def write(h: Hostile) -> tuple[bytes, int]:
        records = [make(h) if h.rng.random() >= h.profile.garbage else h.rng.choice(WEIRD)
                   for _ in range(h.profile.records)]
        doc: Any = {key: records, "count": len(records)} if h.rng.random() < 0.9 else records
        text = json.dumps(doc, ensure_ascii=h.rng.random() < 0.5)
        if h.profile.garbage and h.rng.random() < 0.2:
            text = text[: len(text) // 2]  # a truncated page: the whole file is unreadable
        if h.rng.random() < 0.9:  # now and then a lone surrogate makes the page not UTF-8: unreadable too
            text = text.encode("utf-8", errors="surrogatepass").decode("utf-8", errors="replace")
        return _encode(text), len(records)
    return write


def test_the_zendesk_connector_survives_hostile_exports(fuzz_home):
    con, root = fuzz_home
    config, tally = load_config(), Tally()
    for entity, make, examples in (("tickets", zendesk_ticket, 2), ("ticket_events", zendesk_audit, 2),
                                   ("satisfaction_ratings", zendesk_rating, 2), ("agents", zendesk_user, 2),
                                   ("groups", zendesk_group, 2)):
        name = {"ticket_events": "ticket_audits", "agents": "users"}.get(entity, entity)
        fuzz(con, root, tally, config[entity], f"{name}.jsonl", _jsonl(make), examples)
    fuzz(con, root, tally, config["tickets"], "tickets.json", _page(zendesk_ticket, "tickets"), 2)
    _report("zendesk (jsonl: tickets, audits, ratings, users, groups; json: ticket pages)", tally)


def test_the_jira_connector_survives_hostile_exports(fuzz_home):
    con, root = fuzz_home
    tally = Tally()
    fuzz(con, root, tally, load_config()["backlog_items"], "issues.json", _page(jira_issue, "issues"), 11)
    _report("jira (json search pages)", tally)


def test_the_generic_connector_survives_hostile_exports(fuzz_home):
    con, root = fuzz_home
    spec, tally = load_config()["qa_audits"], Tally()
    header = list(dict.fromkeys(spec.columns.values()))
    fuzz(con, root, tally, spec, "reviews.csv",
         lambda h: csv_bytes(h, [qa_review(h) for _ in range(h.profile.records)], header), 5)
    fuzz(con, root, tally, spec, "reviews.jsonl", _jsonl(qa_review), 4)
    fuzz(con, root, tally, spec, "reviews.parquet",
         lambda h: parquet_bytes([qa_review(h) for _ in range(h.profile.records)], header), 2)
    _report("generic (csv, jsonl, parquet: QA reviews)", tally)
