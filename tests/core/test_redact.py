"""Personal data is replaced by typed placeholders, identically in Python and in DuckDB."""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from closedloop.core.redact import PLACEHOLDERS, redact, redact_many, redact_sql
from closedloop.demo import pii

#: kind (placeholder name without brackets, or NONE for look-alikes), language, text, expected text.
CORPUS = list(csv.DictReader((Path(__file__).parent / "pii_corpus.csv").read_text(encoding="utf-8").splitlines()))

CASES = [
    ("write to john.doe+exchange@gmail.com asap", "write to <EMAIL> asap"),
    ("my number is +44 20 7946 0958", "my number is <PHONE>"),
    ("call me on (415) 555-0132 tonight", "call me on <PHONE> tonight"),
    ("sent to 0x52908400098527886E0F7030069857D2E4169EE7 yesterday", "sent to <WALLET> yesterday"),
    ("btc bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq pls", "btc <WALLET> pls"),
    ("tron TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW", "tron <WALLET>"),
    ("txid 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060 pending",
     "txid <TX_HASH> pending"),
    ("hash 9f2c1e55ab1b3fb1c6e33c1f0e53b7de1d0a0f3f6c7ae9e4de0a2e3b1c0d9e8f", "hash <TX_HASH>"),
    ("stellar GBRPYHIL2CI3FNQ4BXLFMNDLFJUNPU2HY3ZMFSHONUCEOASW7QC7OX2H memo", "stellar <WALLET> memo"),
    ("sol 7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV8 sent", "sol <WALLET> sent"),
    ("card 4111 1111 1111 1111 was charged", "card <CARD> was charged"),
    ("card 5500-0000-0000-0004", "card <CARD>"),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[1].split("<")[1].split(">")[0] + str(i)
                                                            for i, c in enumerate(CASES)])
def test_each_kind_of_personal_data_becomes_a_typed_placeholder(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("kind", ["email", "phone", "btc", "evm", "tron", "xrp", "xlm", "sol", "tx", "tx_evm", "card"])
def test_every_kind_the_demo_plants_is_redacted(kind: str):
    rng = random.Random(kind)
    make = {"email": lambda: pii.email(rng, "en"), "phone": lambda: pii.phone(rng, "en"),
            "btc": lambda: pii.btc_address(rng), "evm": lambda: pii.evm_address(rng),
            "tron": lambda: pii.tron_address(rng), "xrp": lambda: pii.xrp_address(rng),
            "xlm": lambda: pii.xlm_address(rng), "sol": lambda: pii.sol_address(rng),
            "tx": lambda: pii.tx_hash(rng, evm=False), "tx_evm": lambda: pii.tx_hash(rng, evm=True),
            "card": lambda: pii.card_number(rng)}[kind]
    values = [make() for _ in range(200)]
    for value, redacted in zip(values, redact_many([f"please check {v} today" for v in values]), strict=True):
        assert redacted is not None
        assert value not in redacted, (kind, value, redacted)
        assert redacted.startswith("please check <"), redacted
        assert redacted.endswith("> today"), redacted


@pytest.mark.parametrize("lang", sorted(pii.PHONES))
def test_every_phone_format_and_email_domain_the_demo_plants_is_redacted(lang: str):
    rng = random.Random(lang)
    values = [pii.phone(rng, lang) for _ in range(100)] + [pii.email(rng, lang) for _ in range(50)]
    got = redact_many([f"contact {v} today" for v in values])
    assert [v for v, out in zip(values, got, strict=True) if out not in ("contact <PHONE> today",
                                                                          "contact <EMAIL> today")] == []


def test_ordinary_numbers_amounts_dates_and_order_ids_survive():
    text = "order 123456789 for 250.00 USDT on 2024-03-01 at 14:05, app v3.2.1, 2FA code 123456"
    assert redact(text) == text


def _sql_redact(texts: list[str | None]) -> list[str | None]:
    """Redact ``texts`` the way the ingestion does: the SQL expression over a table column."""
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT unnest(?) AS x, generate_subscripts(?, 1) AS i", [texts, texts])
    return [r[0] for r in con.execute(f"SELECT {redact_sql('x')} FROM t ORDER BY i").fetchall()]


def test_duckdb_redaction_matches_python_redaction():
    texts = [t for t, _ in CASES] + ["nothing personal here", None]
    assert _sql_redact(texts) == [redact(t) for t in texts]


def test_python_and_sql_agree_on_every_case_of_the_corpus():
    texts: list[str | None] = [row["text"] for row in CORPUS]
    assert _sql_redact(texts) == redact_many(texts) == [redact(t) for t in texts]


def test_the_corpus_is_large_and_covers_every_placeholder_and_language():
    kinds = Counter(row["kind"] for row in CORPUS)
    assert len(CORPUS) >= 200
    assert {f"<{k}>" for k in kinds if k != "NONE"} == set(PLACEHOLDERS)
    assert kinds["NONE"] >= 40
    assert len({row["language"] for row in CORPUS}) == 15


def corpus_figures(rows: list[dict[str, str]], got: list[str | None]) -> dict[str, tuple[int, int, int]]:
    """Per kind: (cases, cases redacted exactly as expected, cases changed that had to survive or over-redacted).

    A true positive counts when the output equals the expected text. A false positive is a look-alike
    (kind NONE) that changed, or a positive case whose output holds a placeholder it should not.
    """
    figures: dict[str, list[int]] = {}
    for row, out in zip(rows, got, strict=True):
        cases, hits, false_pos = figures.setdefault(row["kind"], [0, 0, 0])
        cases += 1
        hits += out == row["expected"]
        extra = any((out or "").count(p) > row["expected"].count(p) for p in PLACEHOLDERS)
        false_pos += (row["kind"] == "NONE" and out != row["text"]) or extra
        figures[row["kind"]] = [cases, hits, false_pos]
    return {k: (v[0], v[1], v[2]) for k, v in sorted(figures.items())}


def test_corpus_recall_is_complete_and_no_look_alike_is_redacted():
    got = redact_many([row["text"] for row in CORPUS])
    figures = corpus_figures(CORPUS, got)
    table = "\n".join(f"{kind:<8} cases {n:>4}  recall {hits / n:.3f}  false positives {fp}"
                      for kind, (n, hits, fp) in figures.items() if kind != "NONE")
    n, hits, fp = figures["NONE"]
    table += f"\nlook-alikes {n:>4}  kept {hits / n:.3f}  false positives {fp}"
    print(f"\nPII corpus, {len(CORPUS)} cases\n{table}")
    misses = [(row["text"], out) for row, out in zip(CORPUS, got, strict=True) if out != row["expected"]]
    assert misses == [], table


@pytest.mark.parametrize(("text", "expected"), [
    ("call 13900139002 please", "call <PHONE> please"),
    ("номер 8 (916) 765-43-21", "номер <PHONE>"),
    ("to BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ now", "to <WALLET> now"),
    ("IBAN GB82 WEST 1234 5698 7654 32", "IBAN <IBAN>"),
    ("IBAN DE89 3704 0044 0532 0130 00 bitte", "IBAN <IBAN> bitte"),
])
def test_national_phones_uppercase_bech32_and_ibans_are_redacted(text: str, expected: str):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "order 1234567890123456 shipped", "withdrawal 4123456789012 pending", "see #1234567890123456",
    "reference 4000 1234 5678 9011 on the statement",
])
def test_numbers_that_fail_the_luhn_check_are_not_cards(text: str):
    assert redact(text) == text


@pytest.mark.parametrize(("text", "expected"), [
    ("卡号4111111111111111谢谢", "卡号<CARD>谢谢"),
    ("карта4111111111111111спасибо", "карта<CARD>спасибо"),
    ("电话13900139002谢谢", "电话<PHONE>谢谢"),
])
def test_personal_data_glued_to_cjk_or_cyrillic_letters_is_redacted_in_python_too(text: str, expected: str):
    assert redact(text) == expected
    assert _sql_redact([text]) == [expected]


def test_none_and_empty_inputs():
    assert redact(None) is None
    assert redact("") == ""
    assert redact_many([]) == []
    assert redact_many([None, "x@y.io"]) == [None, "<EMAIL>"]
