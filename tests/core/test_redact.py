"""Personal data is replaced by typed placeholders, identically in Python and in DuckDB."""

from __future__ import annotations

import random

import duckdb
import pytest

from closedloop.core.redact import redact, redact_sql
from closedloop.demo import pii

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
    for _ in range(200):
        value = make()
        redacted = redact(f"please check {value} today")
        assert value not in redacted, (kind, value, redacted)
        assert redacted.startswith("please check <"), redacted
        assert redacted.endswith("> today"), redacted


def test_ordinary_numbers_amounts_dates_and_order_ids_survive():
    text = "order 123456789 for 250.00 USDT on 2024-03-01 at 14:05, app v3.2.1, 2FA code 123456"
    assert redact(text) == text


def test_duckdb_redaction_matches_python_redaction():
    texts = [t for t, _ in CASES] + ["nothing personal here", None]
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT unnest(?) AS x, generate_subscripts(?, 1) AS i", [texts, texts])
    got = [r[0] for r in con.execute(f"SELECT {redact_sql('x')} FROM t ORDER BY i").fetchall()]
    assert got == [redact(t) for t in texts]
