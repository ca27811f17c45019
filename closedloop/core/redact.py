r"""Redaction of personal data from ticket text, with one implementation for SQL and Python.

The redaction is a single DuckDB SQL expression (:func:`redact_sql`). The ingestion evaluates it
inside the warehouse on millions of rows; :func:`redact` and :func:`redact_many` evaluate the very
same expression on an in-memory DuckDB connection, so Python and SQL cannot disagree.

What is replaced, in this order (earlier steps protect longer tokens from shorter patterns):

* ``<IBAN>``: two letters, two check digits and 11-30 letters or digits (spaces allowed between
  groups of four) whose ISO 13616 mod-97 checksum is 1.
* ``<CARD>``: 13-19 digits starting with 2-6 (the card networks' ranges), contiguous or grouped
  4-4-4-4 / 4-6-5, that pass the Luhn check. Order ids and references that fail it survive.
* ``<EMAIL>``: e-mail addresses.
* ``<TX_HASH>``: 64 hex digits, with or without ``0x``.
* ``<WALLET>``: EVM (``0x`` + 40 hex), Bitcoin bech32 (either case) and legacy, TRON, XRP,
  Stellar and Solana addresses.
* ``<PHONE>``: international numbers (``+`` and country code) and the national formats of the
  countries where the demo's 15 languages are spoken (China ``1[3-9]`` + 9 digits, Russia
  ``8 (9xx) xxx-xx-xx``, France ``06 12 34 56 78``, Japan/Korea ``0x0-xxxx-xxxx``...).

IBANs and cards come first, on the text as loaded: they are replaced only when their checksum
holds, so they are extracted, checked and replaced as literals rather than by one
``regexp_replace``. An address or a hash cannot be taken for either: both need a non-alphanumeric
character before them, and an IBAN one after it.

Boundaries are written without ``\b`` and without lookaround (RE2 has none): a number must not
follow a Latin letter, a digit, ``#`` or ``_`` and must not be followed by a digit; the character
before is captured and written back. Letters of other scripts (CJK, Cyrillic, Thai, Arabic...)
therefore count as boundaries: ``卡号4111111111111111谢谢`` loses its card number.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from typing import Final

import duckdb

# Before a number: start of text or a character that is neither a Latin letter or digit nor one of
# "#_+" (ticket references like #1234567890123456, identifiers like order_13900139002).
_BEFORE_NUMBER: Final = r"(^|[^0-9A-Za-z#_+])"
_AFTER_NUMBER: Final = r"([^0-9]|$)"
# Addresses, hashes and IBANs are alphanumeric tokens: nothing alphanumeric on either side.
_BEFORE_TOKEN: Final = r"(^|[^0-9A-Za-z])"
_AFTER_TOKEN: Final = r"([^0-9A-Za-z]|$)"

_BASE58: Final = "[1-9A-HJ-NP-Za-km-z]"

_EMAIL: Final = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
_TX_HASH: Final = r"(?:0x)?[0-9a-fA-F]{64}"
_IBAN: Final = r"[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?"
_WALLETS: Final = (
    r"0x[0-9a-fA-F]{40}",  # EVM
    r"(?i:bc1[02-9ac-hj-np-z]{25,62})",  # Bitcoin bech32, lower or upper case
    rf"[13]{_BASE58}{{25,34}}",  # Bitcoin legacy / P2SH
    rf"T{_BASE58}{{33}}",  # TRON
    rf"r{_BASE58}{{24,34}}",  # XRP
    r"G[A-Z2-7]{55}",  # Stellar
    rf"{_BASE58}{{32,44}}",  # Solana last: any long base58 run left over is an address or a key
)
_CARD: Final = (r"[2-6][0-9]{3}[ \-][0-9]{4}[ \-][0-9]{4}[ \-][0-9]{4}"  # 4-4-4-4
                r"|[2-6][0-9]{3}[ \-][0-9]{6}[ \-][0-9]{4,5}"  # 4-6-5 (Amex), 4-6-4 (Diners)
                r"|[2-6][0-9]{12,}")  # unbroken; more than 19 digits fails the check
_PHONES: Final = (
    # International: + country code, a separator, then at least five digits in groups; or E.164 unbroken.
    r"\+[0-9]{1,3}(?:[ .\-]|[ .\-]?\([0-9]{1,4}\)[ .\-]?)[0-9]{1,4}(?:[ .\-]?[0-9]{2,5}){2,4}",
    r"\+[0-9]{9,15}",
    r"\(?[0-9]{3}\)?[ .\-][0-9]{3}[ .\-][0-9]{4}",  # US/CA (415) 555-0132, Italy 3xx xxx xxxx
    r"1[3-9][0-9]{9}|1[3-9][0-9][ \-][0-9]{4}[ \-][0-9]{4}",  # China mobile
    r"8[ \-]?\(9[0-9]{2}\)[ \-]?[0-9]{3}[ \-]?[0-9]{2}[ \-]?[0-9]{2}",  # Russia 8 (9xx) xxx-xx-xx
    r"8[ \-]9[0-9]{2}[ \-][0-9]{3}[ \-]?[0-9]{2}[ \-]?[0-9]{2}",  # Russia 8 9xx xxx-xx-xx
    r"0[1-9](?: [0-9]{2}){4}|0[1-9](?:\.[0-9]{2}){4}|0[1-9](?:-[0-9]{2}){4}",  # France, Belgium
    r"05[0-9]{2}[ \-]?[0-9]{3}[ \-]?[0-9]{2}[ \-]?[0-9]{2}",  # Turkey 05xx xxx xx xx
    r"0[3-9][0-9]{2}[ \-][0-9]{3}[ \-][0-9]{3}",  # Vietnam 09xx xxx xxx, Australia 04xx xxx xxx
    # Japan, Korea, Thailand, Indonesia, Philippines, Gulf, Egypt: 090-xxxx-xxxx, 02-312-3456, 0812 xxxx xxxx
    r"0[1-9][0-9]{0,2}[ \-][0-9]{3,4}[ \-][0-9]{4}",
    r"07[0-9]{3} ?[0-9]{6}",  # United Kingdom mobile
    r"01[5-7][0-9]{1,2}[ /\-]?[0-9]{7,8}|0[2-9][0-9]{1,4}[ /\-][0-9]{4,8}",  # Germany, Austria, Switzerland
    r"\([0-9]{2}\) ?9?[0-9]{4}[ \-]?[0-9]{4}",  # Brazil (21) 9xxxx-xxxx
    r"(?:11|15|33|55|81)[ \-][0-9]{4}[ \-][0-9]{4}",  # Mexico 55/33/81 xxxx xxxx, Argentina 11/15 xxxx-xxxx
    # Spain, Portugal 6xx/9xx xxx xxx (a last group of 000 is an amount, not a number).
    r"[6-9][0-9]{2} [0-9]{3} (?:[1-9][0-9]{2}|0[1-9][0-9]|00[1-9])",
    r"[67][0-9]{2} [0-9]{2} [0-9]{2} [0-9]{2}",  # Spain 6xx xx xx xx
    r"[6-9][0-9]{4} [0-9]{5}",  # India 9xxxx xxxxx
)


def _alternation(patterns: Sequence[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


#: (placeholder, candidate pattern) in the order they are applied. The patterns are RE2 and name no
#: boundaries; ``<IBAN>`` and ``<CARD>`` candidates are replaced only when their checksum holds.
PATTERNS: Final[tuple[tuple[str, str], ...]] = (
    ("<IBAN>", _IBAN),
    ("<CARD>", _CARD),
    ("<EMAIL>", _EMAIL),
    ("<TX_HASH>", _TX_HASH),
    ("<WALLET>", _alternation(_WALLETS)),
    ("<PHONE>", _alternation(_PHONES)),
)

PLACEHOLDERS: Final[tuple[str, ...]] = tuple(dict.fromkeys(p for p, _ in PATTERNS))

# Prefilter: a row that matches none of the candidates skips every replacement. Each candidate
# keeps its leading boundary: without it RE2 must follow a match starting at every character of a
# long base58 run, and its DFA gives up (ten times slower).
_ANY: Final = _alternation([
    _EMAIL,
    _BEFORE_TOKEN + f"(?:{_TX_HASH})",
    _BEFORE_TOKEN + f"(?:{_IBAN})",
    _BEFORE_TOKEN + f"(?:{_alternation(_WALLETS)})",
    _BEFORE_NUMBER + f"(?:{_CARD})",
    _BEFORE_NUMBER + f"(?:{_alternation(_PHONES)})",
])


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _replace(expr: str, placeholder: str, pattern: str, before: str, after: str) -> str:
    """``regexp_replace`` of ``pattern`` between the captured boundaries, which are written back.

    A consumed trailing boundary cannot start the next match, so with one the replacement runs
    twice: the second pass catches a match that directly follows another (``13900139002,13900139003``).
    """
    regex = _sql_str(f"{before}({pattern}){after}")
    replacement = _sql_str(rf"\1{placeholder}\3" if after else rf"\1{placeholder}")
    once = f"regexp_replace({expr}, {regex}, {replacement}, 'g')"
    return f"regexp_replace({once}, {regex}, {replacement}, 'g')" if after else once


def _luhn(candidate: str) -> str:
    """SQL predicate: the digits of ``candidate`` are 13-19 and pass the Luhn check."""
    digits = f"regexp_replace({candidate}, '[^0-9]', '', 'g')"
    doubled = (f"list_transform(string_split(reverse({digits}), ''), "
               "lambda ch, i: CASE WHEN i % 2 = 0 THEN (2 * ch::INTEGER) // 10 + (2 * ch::INTEGER) % 10 "
               "ELSE ch::INTEGER END)")
    return f"(length({digits}) BETWEEN 13 AND 19 AND list_sum({doubled}) % 10 = 0)"


def _iban_ok(candidate: str) -> str:
    """SQL predicate: ``candidate`` is 15-34 characters without spaces and its mod-97 checksum is 1."""
    compact = f"replace({candidate}, ' ', '')"
    values = (f"list_transform(string_split(substr({compact}, 5) || substr({compact}, 1, 4), ''), "
              "lambda ch: CASE WHEN ch BETWEEN '0' AND '9' THEN ascii(ch) - 48 ELSE ascii(ch) - 55 END)")
    mod97 = f"list_reduce({values}, lambda acc, v: (acc * CASE WHEN v > 9 THEN 100 ELSE 10 END + v) % 97)"
    return f"(length({compact}) BETWEEN 15 AND 34 AND {mod97} = 1)"


def _checksummed(column: str) -> str:
    """Replace the IBANs and card numbers of ``column`` whose checksum holds (the column is read four times).

    Runs first, on the column itself: the candidates are extracted, checked, and replaced as
    literals. IBANs go before cards, so that digits inside an IBAN are not taken for a card.
    """
    ibans = (f"list_filter(regexp_extract_all({column}, {_sql_str(f'{_BEFORE_TOKEN}({_IBAN}){_AFTER_TOKEN}')}, 2), "
             f"lambda c: {_iban_ok('c')})")
    cards = (f"list_filter(regexp_extract_all({column}, {_sql_str(f'{_BEFORE_NUMBER}({_CARD})')}, 2), "
             f"lambda c: {_luhn('c')})")
    replaced = (f"list_reduce(list_prepend({column}, list_concat({ibans}, {cards})), "
                "lambda acc, c: replace(acc, c, CASE WHEN c[1] BETWEEN 'A' AND 'Z' THEN '<IBAN>' ELSE '<CARD>' END))")
    test = _sql_str(f"{_BEFORE_TOKEN}(?:{_IBAN})|{_BEFORE_NUMBER}(?:{_CARD})")
    return f"CASE WHEN regexp_matches({column}, {test}) THEN {replaced} ELSE {column} END"


def redact_sql(expr: str) -> str:
    """Return a DuckDB SQL expression that redacts the text column ``expr``.

    This expression is the only implementation of the redaction; :func:`redact` evaluates it too.
    Rows without any candidate skip the chain of replacements, which keeps bulk loads fast.

    Args:
        expr: A column name (or another cheap VARCHAR expression: it is written several times).

    Returns:
        A SQL expression of type VARCHAR (NULL stays NULL).
    """
    chain = _checksummed(expr)
    chain = f"regexp_replace({chain}, {_sql_str(_EMAIL)}, '<EMAIL>', 'g')"
    # 64 hex digits are a hash whatever follows (a longer hex run is a signature or a key).
    chain = _replace(chain, "<TX_HASH>", _TX_HASH, _BEFORE_TOKEN, "")
    chain = _replace(chain, "<WALLET>", _alternation(_WALLETS), _BEFORE_TOKEN, _AFTER_TOKEN)
    chain = _replace(chain, "<PHONE>", _alternation(_PHONES), _BEFORE_NUMBER, _AFTER_NUMBER)
    return f"CASE WHEN regexp_matches({expr}, {_sql_str(_ANY)}) THEN {chain} ELSE {expr} END"


_QUERY: Final = (f"SELECT {redact_sql('x')} FROM (SELECT unnest($texts) AS x, generate_subscripts($texts, 1) AS i) "
                 "ORDER BY i")
_LOCK = threading.Lock()
_ANY_RE: Final = re.compile(_ANY)
_STATE: dict[str, object] = {}


def _connection() -> duckdb.DuckDBPyConnection:
    """The process's in-memory DuckDB connection (a new one after a fork)."""
    if _STATE.get("pid") != os.getpid():
        _STATE["connection"] = duckdb.connect(":memory:")
        _STATE["pid"] = os.getpid()
    con = _STATE["connection"]
    assert isinstance(con, duckdb.DuckDBPyConnection)
    return con


def redact_many(texts: Sequence[str | None]) -> list[str | None]:
    """Redact many texts in one query, exactly as :func:`redact_sql` does in the warehouse.

    Args:
        texts: Free texts; None entries stay None.

    Returns:
        The redacted texts, in the order given.
    """
    out = list(texts)
    # The SQL prefilter in Python: texts without any candidate come back unchanged either way, and
    # these ASCII-only patterns match the same texts in ``re`` as in RE2.
    todo = [i for i, text in enumerate(out) if text is not None and _ANY_RE.search(text)]
    if todo:
        with _LOCK:
            rows = _connection().execute(_QUERY, {"texts": [out[i] for i in todo]}).fetchall()
        for i, row in zip(todo, rows, strict=True):
            out[i] = row[0]
    return out


def redact(text: str | None) -> str | None:
    """Replace emails, phone numbers, IBANs, wallet addresses, transaction hashes and card numbers.

    Args:
        text: Free text, or None.

    Returns:
        The text with each match replaced by a typed placeholder such as ``<EMAIL>``.
    """
    if text is None:
        return None
    return redact_many([text])[0]
