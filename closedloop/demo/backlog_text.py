# ruff: noqa: E501
"""Backlog item wording.

Support-driven fixes (in customer words and in engineering words) and roadmap work that has
nothing to do with support tickets.
"""

from __future__ import annotations

EPICS: tuple[tuple[str, str], ...] = (
    ("Funding reliability: deposits and withdrawals", "Wallet"),
    ("Account security and access", "Auth"),
    ("Mobile app quality", "Mobile"),
    ("Trading products: futures, bots, P2P", "Trading"),
    ("Identity and onboarding", "Identity"),
    ("Web3 wallet", "Web3 Wallet"),
    ("Public API and market makers", "Public API"),
    ("Growth, pricing and listings", "Growth"),
)

CHAINS = ("TRON", "Ethereum", "BSC", "Solana", "Arbitrum", "Bitcoin")

USER_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "deposit_not_credited": (
        ("Deposits confirmed on-chain not credited to balance", "Customers report deposits that are confirmed on the explorer but stay pending in deposit history and are never credited."),
        ("Card deposits debited but balance not credited", "Card top-ups succeed at the acquirer but the ledger credit is missing; customers see money leave their bank without a balance update."),
    ),
    "withdrawal_stuck": (
        ("Withdrawals stuck in processing for hours", "Many withdrawals sit in processing or awaiting approval for hours although all risk checks passed."),
        ("Withdrawals marked completed but never broadcast", "Customers receive a txid for completed withdrawals that does not exist on chain."),
    ),
    "wrong_network_memo": (
        ("Self-service recovery for deposits sent without memo/tag", "Deposits of XRP/XLM without memo or destination tag need a manual recovery by support; build a self-service recovery."),
        ("Warn users when the selected network does not match the address", "Customers pick the wrong chain when depositing; show a network mismatch warning and block unsupported networks."),
    ),
    "kyc_verification": (
        ("KYC document checks fail for clear photos", "Users report ID uploads rejected as blurry although the images are sharp; verification stays pending for days."),
        ("Show rejection reasons for failed identity verification", "Rejected KYC applicants get no reason and resubmit the same documents again and again."),
    ),
    "2fa_account_locked": (
        ("Self-service 2FA reset for users who lost their authenticator", "Users who lose their phone need an agent to reset 2FA; build a self-service flow with selfie verification."),
        ("SMS verification codes not delivered in several countries", "Customers do not receive SMS codes and get locked out; add voice and WhatsApp fallback."),
    ),
    "trading_bot_martingale": (
        ("Martingale bot: cap safety orders and add a max-investment guard", "Users are surprised when the martingale bot keeps doubling and drains the balance; add a hard cap and a clearer risk disclosure."),
        ("Grid bots stop placing orders while status shows running", "Bots show Running but place no orders after exchange maintenance."),
    ),
    "web3_wallet_latency": (
        ("Web3 wallet balances load slowly", "The Web3 wallet takes tens of seconds to show token balances and dApp connections time out."),
        ("dApp connections via WalletConnect time out", "Signature requests from dApps do not appear in the Web3 wallet."),
    ),
    "fees": (
        ("Fee discount with platform token not applied", "Customers holding the platform token are charged the full taker fee."),
        ("Show the full fee breakdown before card purchases", "Card buyers see a higher final amount than quoted; show spread and processing fee upfront."),
    ),
    "app_crash": (
        ("App crashes on launch after update", "Many users report the app closes immediately after the latest update."),
        ("App crashes when opening Wallet / Assets", "Tapping the wallet tab crashes the app for users with many tokens."),
    ),
    "api_rate_limit": (
        ("Rate limits too strict for API trading clients", "API users hit 429 errors and IP bans well below the documented limits."),
        ("Publish per-endpoint request weights and expose usage headers", "API clients cannot see how close they are to the limit; add used-weight headers to every response."),
    ),
}

ENGINEERING_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "deposit_not_credited": (
        ("Deposit indexer lags behind chain tip on {chain}", "The deposit indexer for {chain} falls behind the chain tip under load and credits wait for a re-scan. Add backpressure and a catch-up worker."),
        ("Ledger credit job drops events when confirmation count updates twice", "Race in CreditDepositJob: a second confirmation update for the same tx is treated as a duplicate and the credit event is dropped."),
        ("PSP settlement webhook retries not idempotent in FiatDepositService", "Retries of the settlement webhook hit a unique constraint and roll back the credit transaction."),
    ),
    "withdrawal_stuck": (
        ("Hot wallet signer queue starves on nonce gap ({chain})", "WithdrawalSigner blocks on a nonce gap and stops processing the queue; add gap detection and automatic re-broadcast."),
        ("Risk engine manual-review threshold in base units instead of USD", "Threshold in risk-rules.yaml is compared in base units, sending most small transfers to manual review."),
        ("BroadcastService sets COMPLETED before mempool acceptance", "Status is set on RPC send rather than on mempool acceptance; rejected transactions never retry."),
    ),
    "wrong_network_memo": (
        ("Memo field not validated for XRP deposits on TRC20 bridge", "Deposit address service does not require a destination tag for XRP bridge deposits; validate memo presence before showing the address."),
        ("Sibling-chain detector for 0x addresses (BEP20/ERC20/Arbitrum)", "Scan sibling EVM chains for transfers to our 0x addresses and credit automatically after confirmations."),
        ("Memo-less payment matcher for XLM omnibus account", "Match memo-less Stellar payments to users by source account history; queue unmatched ones for review."),
    ),
    "kyc_verification": (
        ("Liveness SDK freezes on Android 14 camera2 session", "Camera2 session timeout in the vendor SDK; upgrade the SDK and add a photo-upload fallback."),
        ("OCR confidence threshold too strict for non-Latin documents", "Vendor OCR confidence below 0.85 auto-rejects non-Latin scripts; lower the threshold and route to manual review."),
        ("Review queue ordered by risk score only; old applications starve", "Add SLA-based ordering to the identity review queue."),
    ),
    "2fa_account_locked": (
        ("OtpSender never fails over when the SMS provider DLR times out", "Add timeout-based failover to the secondary SMS provider and a voice channel."),
        ("TOTP verifier window too narrow; clock drift rejects valid codes", "TotpVerifier accepts only the current 30 s step; accept one step either side."),
        ("LoginAttemptService keeps failure counter after password reset", "The counter is not reset after a successful reset, so accounts relock immediately."),
    ),
    "trading_bot_martingale": (
        ("BotScheduler loses grid state after matching-engine reconnect", "After a websocket reconnect the grid state machine is not rehydrated and orders are not re-placed."),
        ("MartingaleStrategy take-profit compares pre-fee average entry", "Take-profit never triggers for small targets because fees are ignored in the average entry."),
        ("StopBot does not cancel the pending safety-order cycle", "Stop only disables new cycles after the current cycle finishes."),
    ),
    "web3_wallet_latency": (
        ("Token balance fetch does N+1 RPC calls; switch to Multicall3", "Every ERC-20 balance is fetched with a separate eth_call; batch the calls and cache results."),
        ("RPC provider pool has no health checks; a slow node pins requests", "Add health checks and hedged requests to the RPC pool."),
        ("WalletConnect relay session not restored after app background", "Relay websocket is dropped in background and pending session requests are lost."),
    ),
    "fees": (
        ("FeeTier cache not invalidated after 30-day volume recalculation", "VIP tier updates are written but the cache serves the old tier for up to 7 days."),
        ("Withdrawal fee table uses stale gas estimate for ERC20", "Gas estimates refresh hourly, so displayed and charged fees differ during spikes."),
        ("Duplicate fee ledger postings on fill replay", "FeeCalculator posts a fee per replayed fill event after restart; make postings idempotent per fill id."),
    ),
    "app_crash": (
        ("NPE in WalletFragment.onResume when token list is empty", "WalletFragment dereferences tokenList before the first sync completes. Top crash in Crashlytics."),
        ("OOM in KlineChartView on low-memory Android devices", "All candles are kept in memory; paginate and recycle bitmaps."),
        ("iOS: crash in QR scanner on camera permission race", "AVCaptureSession starts before the permission callback returns."),
    ),
    "api_rate_limit": (
        ("Gateway counts websocket handshakes as REST weight", "Each WS handshake costs 50 weight; reconnect storms trigger IP bans."),
        ("Token buckets are per gateway pod instead of shared", "Effective limits depend on which pod serves a request; move buckets to Redis."),
        ("Order rate limiter counts cancel requests", "-1015 is raised for cancels; exclude them from the new-order counter."),
    ),
}

ROADMAP_STORIES = (
    "List {coin} spot trading pairs", "Redesign portfolio overview page",
    "Tax report export for {country}", "Launch copy trading leaderboard",
    "Dark mode for the web trading terminal", "Flexible savings product for {coin}",
    "Recurring buy (DCA) with fiat", "Referral program v2", "Price alert push notifications",
    "Localise the web app into {language}", "New onboarding carousel", "Options trading MVP",
    "Earn dashboard redesign", "Launch {coin} perpetual contracts",
    "Sub-account management UI for institutions", "Proof-of-reserves page refresh",
    "Launchpad subscription flow", "Crypto card cashback tiers",
    "Landing pages for {country}", "Portfolio PnL calendar view", "NFT marketplace collections page",
)
ROADMAP_BUGS = (
    "Typo on the {language} landing page", "Wrong rounding of PnL in portfolio CSV export",
    "Admin panel user search times out", "Low contrast in dark mode order book",
    "Internal BI dashboard shows wrong timezone", "Marketing banner overlaps header on tablets",
    "Analytics event trade_submitted sent twice", "Broken link in the {language} help centre menu",
)
TASKS = (
    "Upgrade Postgres cluster to 16", "Refactor order matching service config loading",
    "Rotate TLS certificates for the API gateway", "Quarterly access review",
    "Migrate CI runners to ARM", "Load test matching engine at {n}k orders/s",
    "Write runbook for hot wallet key rotation", "Bump Kotlin to 2.0 in the Android app",
    "Remove deprecated v1 endpoints", "Set up log retention job", "Update {dep} dependency",
    "SOC 2 evidence collection", "Archive unused feature flags", "Terraform the staging cluster",
)
GOALS = (
    "Goal: grow monthly active traders in the target segment.",
    "Agreed in the quarterly roadmap review.",
    "Requested by the growth team; design in Figma.",
    "Part of the platform modernisation plan.",
    "Needed for the regulatory roadmap.",
    "Tech debt; reduces on-call load for the platform team.",
)
COINS = ("TON", "SUI", "APT", "ARB", "OP", "PEPE", "WIF", "TIA", "SEI", "ENA", "JUP", "ONDO")
COUNTRIES = ("Germany", "France", "Brazil", "Japan", "Turkey", "Spain", "Italy", "Australia")
LANGUAGE_NAMES = ("Thai", "Indonesian", "Italian", "Arabic", "Korean", "Vietnamese")
DEPS = ("Spring Boot", "React", "OkHttp", "grpc-java", "Alamofire", "protobuf", "Kafka client")
ENGINEERS = ("a.novak", "m.tanaka", "s.khan", "l.moreau", "d.weber", "j.costa", "r.silva")
