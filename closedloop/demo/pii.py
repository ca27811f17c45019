"""Personal data the way it shows up in real tickets.

Emails, phone numbers, wallet addresses, transaction hashes and card numbers. Formats are
realistic; values are random, never real.
"""

from __future__ import annotations

import random

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
RIPPLE = "rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz"
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
DIGITS = "0123456789"

FIRST = (
    "john", "maria", "li", "wei", "ahmed", "fatima", "ivan", "olga", "mehmet", "ayse", "minh",
    "linh", "joao", "ana", "pierre", "claire", "lukas", "anna", "yuki", "haruto", "jisoo",
    "minjun", "omar", "layla", "budi", "siti", "marco", "giulia", "somchai", "ploy", "alex",
    "sam", "chris", "daniel", "sofia", "lucas", "emma", "noah", "mia", "david", "sara",
)
LAST = (
    "smith", "garcia", "wang", "zhang", "hassan", "ali", "petrov", "ivanova", "yilmaz", "kaya",
    "nguyen", "tran", "silva", "santos", "martin", "dubois", "muller", "schmidt", "tanaka",
    "sato", "kim", "park", "rahman", "santoso", "rossi", "bianchi", "suksawat", "jones", "lee",
    "brown", "lopez", "novak", "costa", "khan", "wilson", "taylor", "moreau", "weber",
)
DOMAINS: dict[str, tuple[str, ...]] = {
    "en": ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "proton.me"),
    "zh": ("qq.com", "163.com", "gmail.com", "126.com"),
    "es": ("gmail.com", "hotmail.es", "outlook.es", "yahoo.com.mx"),
    "ru": ("mail.ru", "yandex.ru", "gmail.com", "rambler.ru"),
    "tr": ("gmail.com", "hotmail.com", "yandex.com.tr"),
    "vi": ("gmail.com", "yahoo.com.vn"),
    "pt": ("gmail.com", "uol.com.br", "hotmail.com", "bol.com.br"),
    "fr": ("gmail.com", "orange.fr", "free.fr", "laposte.net"),
    "de": ("gmail.com", "gmx.de", "web.de", "t-online.de"),
    "ja": ("gmail.com", "yahoo.co.jp", "docomo.ne.jp", "icloud.com"),
    "ko": ("naver.com", "gmail.com", "daum.net"),
    "ar": ("gmail.com", "hotmail.com", "yahoo.com"),
    "id": ("gmail.com", "yahoo.co.id"),
    "it": ("gmail.com", "libero.it", "hotmail.it"),
    "th": ("gmail.com", "hotmail.com"),
}
PHONES: dict[str, tuple[str, ...]] = {
    "en": ("+1 (NDD) NDD-DDDD", "+1 NDD-NDD-DDDD", "+44 7DDD DDDDDD", "+91 9DDDD DDDDD",
           "+234 80D DDD DDDD", "+63 917 DDD DDDD", "+61 4DD DDD DDD"),
    "zh": ("+86 13D DDDD DDDD", "13DDDDDDDDD", "+852 9DDD DDDD"),
    "es": ("+34 6DD DDD DDD", "+52 55 DDDD DDDD", "+54 9 11 DDDD-DDDD", "+57 3DD DDD DDDD"),
    "ru": ("+7 9DD DDD-DD-DD", "8 (9DD) DDD-DD-DD", "+7 (9DD) DDD DD DD"),
    "tr": ("+90 5DD DDD DD DD", "05DD DDD DD DD"),
    "vi": ("+84 9DD DDD DDD", "09DD DDD DDD"),
    "pt": ("+55 11 9DDDD-DDDD", "(21) 9DDDD-DDDD", "+351 91D DDD DDD"),
    "fr": ("+33 6 DD DD DD DD", "06 DD DD DD DD", "+32 4DD DD DD DD"),
    "de": ("+49 15DD DDDDDDD", "015D DDDDDDDD", "+43 664 DDDDDDD", "+41 79 DDD DD DD"),
    "ja": ("+81 90-DDDD-DDDD", "090-DDDD-DDDD", "080-DDDD-DDDD"),
    "ko": ("+82 10-DDDD-DDDD", "010-DDDD-DDDD"),
    "ar": ("+971 50 DDD DDDD", "+966 5D DDD DDDD", "+20 10 DDDD DDDD"),
    "id": ("+62 812-DDDD-DDDD", "0812 DDDD DDDD", "+62 857 DDDD DDDD"),
    "it": ("+39 3DD DDD DDDD", "3DD DDD DDDD"),
    "th": ("+66 8D DDD DDDD", "08D-DDD-DDDD"),
}


def _pick(rng: random.Random, alphabet: str, k: int) -> str:
    return "".join(rng.choices(alphabet, k=k))


def email(rng: random.Random, lang: str) -> str:
    """Return a plausible personal email address for a speaker of ``lang``."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    style = rng.random()
    if style < 0.4:
        local = f"{first}.{last}"
    elif style < 0.7:
        local = f"{first}{last[0]}{rng.randint(1, 9999)}"
    else:
        local = f"{first}_{rng.randint(70, 2005)}"
    return f"{local}@{rng.choice(DOMAINS[lang])}"


def phone(rng: random.Random, lang: str) -> str:
    """Return a phone number in a format common where ``lang`` is spoken."""
    pattern = rng.choice(PHONES[lang])
    out = []
    for ch in pattern:
        if ch == "D":
            out.append(rng.choice(DIGITS))
        elif ch == "N":
            out.append(rng.choice("23456789"))
        else:
            out.append(ch)
    return "".join(out)


def btc_address(rng: random.Random) -> str:
    """Return a Bitcoin address: bech32 ``bc1q``, legacy ``1`` or P2SH ``3``."""
    kind = rng.random()
    if kind < 0.55:
        return "bc1q" + _pick(rng, BECH32, 38)
    if kind < 0.8:
        return "1" + _pick(rng, BASE58, rng.randint(25, 33))
    return "3" + _pick(rng, BASE58, 33)


def evm_address(rng: random.Random) -> str:
    """Return an Ethereum-style address (0x + 40 hex)."""
    return f"0x{rng.getrandbits(160):040x}"


def tron_address(rng: random.Random) -> str:
    """Return a TRON address (T + 33 base58)."""
    return "T" + _pick(rng, BASE58, 33)


def xrp_address(rng: random.Random) -> str:
    """Return an XRP Ledger classic address (r + 24..33 chars)."""
    return "r" + _pick(rng, RIPPLE[1:], rng.randint(24, 33))


def xlm_address(rng: random.Random) -> str:
    """Return a Stellar account id (G + 55 base32)."""
    return "G" + _pick(rng, BASE32, 55)


def sol_address(rng: random.Random) -> str:
    """Return a Solana address (44 base58)."""
    return _pick(rng, BASE58, 44)


def tx_hash(rng: random.Random, evm: bool) -> str:
    """Return a transaction hash: ``0x`` + 64 hex for EVM chains, bare 64 hex otherwise."""
    digits = f"{rng.getrandbits(256):064x}"
    return "0x" + digits if evm else digits


def card_number(rng: random.Random) -> str:
    """Return a Luhn-valid 16-digit Visa/Mastercard-like number, spaced or dashed."""
    prefix = rng.choice(("4", "51", "52", "53", "54", "55"))
    digits = [int(c) for c in prefix] + [rng.randint(0, 9) for _ in range(15 - len(prefix))]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    digits.append((10 - total % 10) % 10)
    text = "".join(map(str, digits))
    sep = rng.choice((" ", "-", " "))
    return sep.join(text[i : i + 4] for i in range(0, 16, 4))


def luhn_ok(number: str) -> bool:
    """Return True when the digits of ``number`` pass the Luhn check."""
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0
