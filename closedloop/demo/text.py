"""Compose a ticket's subject and body from a theme, a language and random slot fills."""

from __future__ import annotations

import random
from typing import Any

from closedloop.demo import pii, text_en, text_i18n_a, text_i18n_b

LANGUAGES: dict[str, float] = {
    "en": 0.545, "zh": 0.06, "es": 0.055, "ru": 0.05, "tr": 0.045, "vi": 0.04, "pt": 0.04,
    "fr": 0.03, "de": 0.03, "ja": 0.03, "ko": 0.025, "ar": 0.015, "id": 0.015, "it": 0.01,
    "th": 0.01,
}
"""Planted language mix (ISO 639-1 code -> probability)."""

I18N: dict[str, dict[str, tuple[str, str]]] = {**text_i18n_a.TEXTS, **text_i18n_b.TEXTS}
GREETINGS = {**text_i18n_a.GREETINGS, **text_i18n_b.GREETINGS, "en": text_en.GREETINGS}
CLOSINGS = {**text_i18n_a.CLOSINGS, **text_i18n_b.CLOSINGS, "en": text_en.CLOSINGS}
CONTACTS = {**text_i18n_a.CONTACTS, **text_i18n_b.CONTACTS, "en": text_en.CONTACTS}

ASSETS = ("USDT", "BTC", "ETH", "SOL", "XRP", "BNB", "TRX", "USDC", "XLM", "DOGE")
ASSET_WEIGHTS = (35, 15, 15, 8, 6, 6, 5, 6, 2, 2)
RECOVERY_ASSETS = ("USDT", "BTC", "ETH", "XRP", "XLM", "BNB", "TRX", "SOL")
RECOVERY_WEIGHTS = (40, 8, 12, 14, 8, 8, 5, 5)
NETWORKS: dict[str, tuple[str, ...]] = {
    "USDT": ("TRC20", "ERC20", "BEP20", "Solana", "Arbitrum", "Polygon"),
    "USDC": ("ERC20", "Solana", "Polygon", "Base", "Arbitrum"),
    "BTC": ("Bitcoin", "Bitcoin", "BEP20"),
    "ETH": ("ERC20", "Arbitrum", "Optimism", "Base"),
    "SOL": ("Solana",), "XRP": ("XRP Ledger",), "BNB": ("BEP20",), "TRX": ("TRC20",),
    "XLM": ("Stellar",), "DOGE": ("Dogecoin",),
}
EVM = frozenset({"ERC20", "BEP20", "Arbitrum", "Optimism", "Base", "Polygon"})
WRONG_NETWORKS = ("TRC20", "ERC20", "BEP20", "Arbitrum", "Polygon", "Optimism", "Solana", "Base")
SCALE: dict[str, float] = {
    "USDT": 400, "USDC": 400, "BTC": 0.03, "ETH": 0.6, "SOL": 12, "XRP": 900, "BNB": 2.5,
    "TRX": 4000, "XLM": 2500, "DOGE": 3000,
}
DEVICES = (
    "iPhone 13", "iPhone 15 Pro", "iPhone 12 mini", "Samsung Galaxy S23", "Galaxy A54",
    "Xiaomi Redmi Note 12", "Pixel 7", "Huawei P30", "iPad Air", "OnePlus 11", "Oppo A78",
    "Vivo Y36", "Realme 11",
)
OS = ("iOS 17.2", "iOS 17.4", "iOS 18.1", "Android 13", "Android 14", "Android 12", "HarmonyOS 4")
PAIRS = ("BTC/USDT", "ETH/USDT", "SOL/USDT", "XRP/USDT", "DOGE/USDT", "PEPE/USDT", "BNB/USDT")
LEVERAGE = ("10x", "20x", "25x", "50x", "75x", "100x", "125x")
DAPPS = ("Uniswap", "PancakeSwap", "OpenSea", "Jupiter", "Aave", "1inch", "Raydium", "Curve")
ENDPOINTS = (
    "/api/v3/order", "/api/v3/depth", "/api/v3/account", "/fapi/v1/positionRisk",
    "/sapi/v1/capital/withdraw/apply", "/api/v3/openOrders", "/fapi/v1/order",
)
DOCS = ("passport", "ID card", "driving licence", "residence permit", "national ID")
COUNTRIES = (
    "Nigeria", "India", "the Philippines", "the UK", "Canada", "Australia", "Pakistan",
    "Kenya", "South Africa", "Singapore", "the US", "Ghana",
)
PAYMENTS: dict[str, tuple[str, ...]] = {
    "en": ("bank transfer", "Revolut", "Wise", "Zelle", "Skrill"), "zh": ("支付宝", "微信支付", "银行卡"),
    "es": ("transferencia bancaria", "Mercado Pago", "Bizum"), "ru": ("Сбербанк", "Тинькофф"),
    "tr": ("Papara", "Ziraat", "havale"), "vi": ("Vietcombank", "MoMo"), "pt": ("PIX",),
    "fr": ("virement SEPA", "Lydia"), "de": ("SEPA-Überweisung", "PayPal"), "ja": ("銀行振込",),
    "ko": ("토스", "카카오뱅크"), "ar": ("تحويل بنكي",), "id": ("DANA", "BCA", "OVO"),
    "it": ("bonifico", "PayPal"), "th": ("พร้อมเพย์",),
}
FIAT: dict[str, tuple[str, str, int, int, str]] = {
    "en": ("$", "", 50, 5000, ","), "zh": ("", "元", 300, 30000, ""),
    "es": ("", " €", 50, 3000, "."), "ru": ("", " ₽", 5000, 300000, " "),
    "tr": ("", " TL", 1000, 100000, "."), "vi": ("", " VND", 1_000_000, 50_000_000, "."),
    "pt": ("R$ ", "", 200, 20000, "."), "fr": ("", " €", 50, 3000, " "),
    "de": ("", " €", 50, 3000, "."), "ja": ("", "円", 5000, 500000, ","),
    "ko": ("", "원", 50000, 5000000, ","), "ar": ("", " AED", 200, 20000, ","),
    "id": ("Rp ", "", 500000, 50000000, "."), "it": ("", " €", 50, 3000, "."),
    "th": ("", " บาท", 1000, 100000, ","),
}


class Slots(dict[str, str]):
    """Lazily filled template slots: a slot is drawn the first time a template uses it."""

    def __init__(self, rng: random.Random, lang: str, theme: str, day: int) -> None:
        """Create empty slots for one ticket."""
        super().__init__()
        self.rng, self.lang, self.theme, self.day = rng, lang, theme, day
        self.amount_value = 0.0

    def __missing__(self, key: str) -> str:
        """Draw slot ``key``, remember it and return it."""
        value = getattr(self, "_" + key)()
        self[key] = value
        return value

    def _asset(self) -> str:
        if self.theme == "wrong_network_memo":
            return self.rng.choices(RECOVERY_ASSETS, RECOVERY_WEIGHTS)[0]
        return self.rng.choices(ASSETS, ASSET_WEIGHTS)[0]

    def _amount(self) -> str:
        asset = self["asset"]
        value = SCALE.get(asset, 100) * self.rng.lognormvariate(0, 1.0)
        if self.theme == "wrong_network_memo" or SCALE.get(asset, 100) >= 10:
            value = max(round(value, 2), 0.01)
            self.amount_value = value
            return f"{value:.2f}" if self.theme == "wrong_network_memo" else f"{value:g}"
        value = max(round(value, 4), 0.0001)
        self.amount_value = value
        return f"{value:.4f}"

    def _network(self) -> str:
        if self.theme == "wrong_network_memo":
            return self.rng.choice(WRONG_NETWORKS)
        return self.rng.choice(NETWORKS.get(self["asset"], ("ERC20",)))

    def _network2(self) -> str:
        first = self["network"]
        return self.rng.choice([n for n in WRONG_NETWORKS if n != first])

    def _addr(self) -> str:
        network = self["network"]
        rng = self.rng
        if network == "Bitcoin":
            return pii.btc_address(rng)
        if network == "TRC20":
            return pii.tron_address(rng)
        if network == "XRP Ledger":
            return pii.xrp_address(rng)
        if network == "Stellar":
            return pii.xlm_address(rng)
        if network == "Solana":
            return pii.sol_address(rng)
        return pii.evm_address(rng)

    def _txid(self) -> str:
        return pii.tx_hash(self.rng, self["network"] in EVM)

    def _memo(self) -> str:
        return str(self.rng.randint(100_000, 9_999_999_999))

    def _hours(self) -> str:
        return str(self.rng.choice((2, 3, 4, 5, 6, 8, 10, 12, 18, 24, 36, 48, 72)))

    def _days(self) -> str:
        return str(self.rng.randint(2, 14))

    def _mins(self) -> str:
        return str(self.rng.randint(10, 90))

    def _secs(self) -> str:
        return str(self.rng.randint(15, 120))

    def _conf(self) -> str:
        return f"{self.rng.randint(1, 11)}/{self.rng.choice((12, 20, 30, 64))}"

    def _order(self) -> str:
        return str(self.rng.randint(10**15, 10**19))

    def _ver(self) -> str:
        release = self.day // 14
        return f"{5 + release // 26}.{release % 26}.{self.rng.randint(0, 4)}"

    def _device(self) -> str:
        return self.rng.choice(DEVICES)

    def _os(self) -> str:
        return self.rng.choice(OS)

    def _pair(self) -> str:
        return self.rng.choice(PAIRS)

    def _lev(self) -> str:
        return self.rng.choice(LEVERAGE)

    def _liq(self) -> str:
        return f"{self.rng.uniform(20_000, 110_000):.1f}"

    def _fiat(self) -> str:
        prefix, suffix, lo, hi, sep = FIAT[self.lang]
        value = int(lo * (hi / lo) ** self.rng.random())
        digits = f"{value:,}".replace(",", sep)
        return f"{prefix}{digits}{suffix}"

    def _payment(self) -> str:
        return self.rng.choice(PAYMENTS[self.lang])

    def _dapp(self) -> str:
        return self.rng.choice(DAPPS)

    def _endpoint(self) -> str:
        return self.rng.choice(ENDPOINTS)

    def _rpm(self) -> str:
        return str(self.rng.choice((300, 600, 1200, 2400, 6000)))

    def _doc(self) -> str:
        return self.rng.choice(DOCS)

    def _country(self) -> str:
        return self.rng.choice(COUNTRIES)

    def _kyc_level(self) -> str:
        return self.rng.choice(("Level 2", "Level 3", "Advanced verification", "Plus"))

    def _card(self) -> str:
        return pii.card_number(self.rng)

    def _phone(self) -> str:
        return pii.phone(self.rng, self.lang)

    def _email(self) -> str:
        return pii.email(self.rng, self.lang)

    def _fee(self) -> str:
        return f"{SCALE.get(self['asset'], 100) * self.rng.uniform(0.01, 0.08):.4g}"

    def _tier(self) -> str:
        return str(self.rng.randint(1, 5))

    def _n(self) -> str:
        return str(self.rng.randint(5, 12))

    def _tp(self) -> str:
        return f"{self.rng.choice((0.8, 1, 1.2, 1.5, 2, 3))}"


def _typo(rng: random.Random, text: str) -> str:
    """Introduce one or two realistic typos into lowercase words of ``text``."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha() and w.islower()]
    for i in rng.sample(candidates, min(len(candidates), rng.randint(1, 2))):
        w = words[i]
        j = rng.randint(1, len(w) - 2)
        kind = rng.random()
        if kind < 0.5:
            w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        elif kind < 0.8:
            w = w[:j] + w[j + 1 :]
        else:
            w = w[:j] + w[j] + w[j:]
        words[i] = w
    return " ".join(words)


def compose(
    rng: random.Random, lang: str, theme: str, channel: str, day: int, contact_p: float
) -> tuple[str, str, Slots]:
    """Return subject, body and the filled slots for one ticket.

    Args:
        rng: The ticket chunk's random stream.
        lang: ISO 639-1 language code.
        theme: Theme slug.
        channel: Zendesk ``via.channel``.
        day: Day index in the period (app versions advance with it).
        contact_p: Probability the requester adds their email or phone number.
    """
    slots = Slots(rng, lang, theme, day)
    if lang == "en":
        subject_t = rng.choice(text_en.SUBJECTS[theme])
        body_t = rng.choice(text_en.BODIES[theme])
    else:
        subject_t, body_t = I18N[lang][theme]
    subject = subject_t.format_map(slots)
    body = body_t.format_map(slots)
    if lang == "en":
        roll = rng.random()
        if roll < 0.25:
            body = _typo(rng, body)
        elif roll < 0.37:
            body = body.lower()
        if rng.random() < 0.15:
            subject = subject.lower()
        elif rng.random() < 0.03:
            subject = subject.upper()
    parts: list[Any] = [rng.choice(GREETINGS[lang]), body]
    if rng.random() < contact_p:
        parts.append(rng.choice(CONTACTS[lang]).format_map(slots))
    parts.append(rng.choice(CLOSINGS[lang]))
    sep = "\n\n" if channel == "email" else " "
    body = sep.join(p for p in parts if p)
    if channel == "voice":
        subject = f"Call from {slots['phone']}" if rng.random() < 0.5 else subject
        body = "Call summary (agent notes from the customer's words): " + body
    elif channel == "twitter" and len(body) > 280:
        body = body[:277] + "..."
    return subject, body, slots
