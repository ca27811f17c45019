"""Redaction of personal data from ticket text.

The patterns are written in the common subset of Python ``re`` and RE2 so that the same list
drives :func:`redact` (Python) and :func:`redact_sql` (DuckDB ``regexp_replace``), which the
ingestion uses to redact millions of rows inside the warehouse. Order matters: longer, more
specific patterns (transaction hashes) run before the shorter ones they contain (addresses).
"""

from __future__ import annotations

import re
from typing import Final

#: (placeholder, pattern) in the order they are applied.
PATTERNS: Final[tuple[tuple[str, str], ...]] = (
    ("<EMAIL>", r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"),
    ("<TX_HASH>", r"\b(?:0x)?[0-9a-fA-F]{64}\b"),
    ("<WALLET>", r"\b0x[0-9a-fA-F]{40}\b"),
    ("<WALLET>", r"\bbc1[02-9ac-hj-np-z]{25,62}\b"),
    ("<WALLET>", r"\b[13][1-9A-HJ-NP-Za-km-z]{25,34}\b"),
    ("<WALLET>", r"\bT[1-9A-HJ-NP-Za-km-z]{33}\b"),
    ("<WALLET>", r"\br[1-9A-HJ-NP-Za-km-z]{24,34}\b"),
    ("<WALLET>", r"\bG[A-Z2-7]{55}\b"),
    # Solana (32-44 base58) last: any long base58 run left over is an address or a key.
    ("<WALLET>", r"\b[1-9A-HJ-NP-Za-km-z]{32,44}\b"),
    ("<CARD>", r"\b[0-9]{4}[ \-]?[0-9]{4,6}[ \-]?[0-9]{4,5}(?:[ \-]?[0-9]{1,4})?\b"),
    ("<PHONE>", r"\+[0-9]{1,3}[ .\-]?(?:\([0-9]{1,4}\)[ .\-]?)?[0-9]{1,4}(?:[ .\-]?[0-9]{2,4}){1,4}\b"),
    ("<PHONE>", r"\(?\b[0-9]{3}\)?[ .\-][0-9]{3}[ .\-][0-9]{4}\b"),
    ("<PHONE>", r"\b0[0-9]{2,4}[ .\-][0-9]{3,4}[ .\-][0-9]{3,4}\b"),
)

PLACEHOLDERS: Final[tuple[str, ...]] = tuple(dict.fromkeys(p for p, _ in PATTERNS))


def _grouped() -> tuple[tuple[str, str], ...]:
    """Consecutive patterns with the same placeholder joined into one alternation (one pass each)."""
    groups: list[tuple[str, list[str]]] = []
    for placeholder, pattern in PATTERNS:
        if groups and groups[-1][0] == placeholder:
            groups[-1][1].append(pattern)
        else:
            groups.append((placeholder, [pattern]))
    return tuple((p, "|".join(f"(?:{x})" for x in xs)) for p, xs in groups)


_GROUPED = _grouped()
_COMPILED = tuple((placeholder, re.compile(pattern)) for placeholder, pattern in _GROUPED)
_ANY = "|".join(f"(?:{pattern})" for _, pattern in PATTERNS)


def redact(text: str | None) -> str | None:
    """Replace emails, phone numbers, wallet addresses, transaction hashes and card numbers.

    Args:
        text: Free text, or None.

    Returns:
        The text with each match replaced by a typed placeholder such as ``<EMAIL>``.
    """
    if text is None:
        return None
    for placeholder, regex in _COMPILED:
        text = regex.sub(placeholder, text)
    return text


def redact_sql(expr: str) -> str:
    """Return a DuckDB SQL expression that redacts the text expression ``expr``.

    Rows without any match skip the chain of replacements, which keeps bulk loads fast.
    """
    chain = expr
    for placeholder, pattern in _GROUPED:
        chain = f"regexp_replace({chain}, {_sql_str(pattern)}, {_sql_str(placeholder)}, 'g')"
    return f"CASE WHEN regexp_matches({expr}, {_sql_str(_ANY)}) THEN {chain} ELSE {expr} END"


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
