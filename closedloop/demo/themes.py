"""Pain-point themes of a crypto exchange's support operation.

A theme decides what a ticket is about (its text), how urgent it is, how likely the support bot
can close it, where it escalates, and whether the product team ships fixes for it. Weights and
probabilities here are the planted truth that ``docs/demo-data.md`` documents.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    """One pain-point theme.

    Attributes:
        slug: Stable identifier used in truth files.
        name: Human name.
        description: What customers complain about.
        weight: Baseline share of weekly volume (relative).
        priority: Probabilities of low, normal, high, urgent.
        bot_factor: Relative chance the bot closes a conversation it starts (0 = never).
        engineering: Probability a human-handled ticket escalates to Engineering.
        legal: Probability a human-handled ticket escalates to Legal.
        security: Probability a human-handled ticket escalates to Security.
        fixable: The product team ships fixes for it (support-driven backlog items).
        incidents: Number of planted incident spikes.
        tags: Tags help-desk triggers add.
        component: Jira component of its fixes.
        epic: Index into ``backlog.EPICS`` of the epic its fixes belong to.
    """

    slug: str
    name: str
    description: str
    weight: float
    priority: tuple[float, float, float, float]
    bot_factor: float
    engineering: float
    legal: float
    security: float
    fixable: bool
    incidents: int
    tags: tuple[str, ...]
    component: str
    epic: int


THEMES: tuple[Theme, ...] = (
    Theme("deposit_not_credited", "Deposit not credited",
          "Confirmed on-chain or card deposits that do not show up in the balance.",
          12.0, (0.05, 0.55, 0.35, 0.05), 1.2, 0.07, 0.0, 0.0, True, 1,
          ("deposit",), "Deposits", 0),
    Theme("withdrawal_stuck", "Withdrawal stuck",
          "Withdrawals stuck in processing or marked completed but never received.",
          11.0, (0.03, 0.47, 0.40, 0.10), 0.9, 0.08, 0.0, 0.0, True, 1,
          ("withdrawal",), "Withdrawals", 0),
    Theme("wrong_network_memo", "Misdirected deposit (wrong network / memo)",
          "Deposits sent on the wrong chain or without the memo/destination tag; recovery requests.",
          7.0, (0.05, 0.60, 0.30, 0.05), 0.5, 0.10, 0.0, 0.0, True, 0,
          ("deposit", "recovery"), "Deposits", 0),
    Theme("kyc_verification", "KYC verification",
          "Identity checks failing, pending for days, or rejected without a reason.",
          10.0, (0.15, 0.70, 0.14, 0.01), 1.3, 0.03, 0.03, 0.0, True, 0,
          ("kyc",), "Identity", 4),
    Theme("2fa_account_locked", "2FA / account locked",
          "Lost authenticator, SMS codes not arriving, accounts locked after attempts.",
          8.0, (0.02, 0.48, 0.40, 0.10), 0.8, 0.03, 0.0, 0.10, True, 0,
          ("account_access", "2fa"), "Auth", 1),
    Theme("phishing_compromised", "Phishing / compromised account",
          "Hacked accounts, unauthorised withdrawals, fake support and phishing links.",
          4.0, (0.0, 0.05, 0.35, 0.60), 0.0, 0.02, 0.03, 0.92, False, 1,
          ("security",), "Auth", 1),
    Theme("p2p_dispute", "P2P dispute",
          "P2P counterparties not releasing crypto, fake payment proofs, appeals.",
          5.0, (0.02, 0.48, 0.40, 0.10), 0.0, 0.02, 0.12, 0.0, False, 0,
          ("p2p",), "P2P", 3),
    Theme("futures_liquidation", "Futures liquidation",
          "Complaints about liquidations, wicks, mark price and failed stop losses.",
          6.0, (0.02, 0.38, 0.45, 0.15), 0.3, 0.04, 0.05, 0.0, False, 1,
          ("futures",), "Futures", 3),
    Theme("trading_bot_martingale", "Trading bots (martingale / grid)",
          "Martingale and grid bots that keep averaging down, stop, or drain the balance.",
          4.0, (0.15, 0.65, 0.18, 0.02), 0.8, 0.07, 0.0, 0.0, True, 0,
          ("trading_bot",), "Trading Bots", 3),
    Theme("web3_wallet_latency", "Web3 wallet latency",
          "Slow or failing Web3 wallet balances, dApp connections, pending swaps.",
          5.0, (0.10, 0.65, 0.22, 0.03), 0.7, 0.17, 0.0, 0.0, True, 1,
          ("web3_wallet",), "Web3 Wallet", 5),
    Theme("fees", "Fees",
          "Withdrawal, trading and card fees that look too high or wrongly applied.",
          6.0, (0.40, 0.55, 0.05, 0.0), 1.6, 0.03, 0.0, 0.0, True, 0,
          ("fees",), "Fees", 7),
    Theme("app_crash", "App crash",
          "Mobile app crashing on start, on wallet screens or when placing orders.",
          8.0, (0.10, 0.60, 0.27, 0.03), 0.6, 0.20, 0.0, 0.0, True, 1,
          ("mobile_app", "bug"), "Mobile", 2),
    Theme("api_rate_limit", "API rate limits",
          "HTTP 429 / IP bans for API users and market makers; rate limit increases.",
          4.0, (0.10, 0.60, 0.27, 0.03), 0.4, 0.20, 0.0, 0.0, True, 1,
          ("api",), "Public API", 6),
    Theme("other", "Other",
          "Miscellaneous questions: referrals, nicknames, account closure, tax statements.",
          0.0, (0.40, 0.58, 0.02, 0.0), 1.4, 0.01, 0.01, 0.0, False, 0,
          ("general",), "Web", 7),
)

THEME_INDEX: dict[str, int] = {theme.slug: i for i, theme in enumerate(THEMES)}
OTHER = THEME_INDEX["other"]
OTHER_SHARE = 0.03
"""Planted share of the ``other`` bucket in every day's volume."""
