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

ENGINEERING_REPHRASED: dict[str, tuple[tuple[tuple[str, str], ...], ...]] = {
    # The same faults as ENGINEERING_WORDS (in the same order), as other engineers file them when
    # the fault comes back or is filed twice: a tracker rarely repeats a title word for word.
    "deposit_not_credited": (
        (("{chain} deposit scanner falls behind head block during traffic spikes", "Scanner lag on {chain} grows to thousands of blocks at peak; credits are only picked up by the nightly re-scan."),
         ("Catch-up worker for the {chain} deposit watcher", "Watcher cannot keep up with block production; run a parallel catch-up worker and alert on lag.")),
        (("CreditDepositJob treats second confirmation update as duplicate", "When confirmations are updated twice for one tx the dedupe key collides and no ledger credit is written."),
         ("Lost ledger credits on repeated confirmation events", "Idempotency key in the credit consumer ignores the confirmation count; duplicate-looking events are discarded.")),
        (("FiatDepositService: webhook retry rolls back credit", "Second delivery of the PSP settlement callback violates the unique index and the whole credit transaction is rolled back."),
         ("Make card settlement callbacks idempotent", "Use the PSP event id as idempotency key so retried callbacks no longer fail the ledger insert.")),
    ),
    "withdrawal_stuck": (
        (("WithdrawalSigner halts on missing nonce ({chain})", "A skipped nonce blocks every later transaction in the signer queue until someone re-broadcasts by hand."),
         ("Nonce gap detection and auto re-broadcast in the signer", "Queue processing stops at the first gap; detect gaps and fill them with a replacement transaction.")),
        (("Manual-review rule compares raw token units with a USD limit", "risk-rules.yaml limit is in USD but amounts are in base units, so tiny transfers exceed it."),
         ("Convert withdrawal amounts to USD before the review threshold", "Risk check routes nearly all small withdrawals to manual review because of a unit mismatch.")),
        (("Withdrawal marked COMPLETED on RPC send, not on mempool accept", "BroadcastService updates status before the node accepts the tx; rejected transactions are never retried."),
         ("Retry withdrawals rejected by the mempool", "Status flips to COMPLETED too early in BroadcastService so mempool rejections go unnoticed.")),
    ),
    "wrong_network_memo": (
        (("Require destination tag for XRP bridge deposit addresses", "DepositAddressService shows the XRP bridge address without a tag field; tagless deposits cannot be attributed."),
         ("XRP deposits via TRC20 bridge accepted without memo", "Add memo validation to the bridge deposit flow before the address is displayed.")),
        (("Auto-credit transfers sent to our 0x address on another EVM chain", "Watch BEP20, ERC20 and Arbitrum for deposits to user 0x addresses on the wrong chain and credit after confirmations."),
         ("Cross-chain deposit detector for EVM addresses", "Transfers on sibling chains to our 0x addresses are invisible to the indexer; scan all EVM chains we support.")),
        (("Match Stellar payments without memo by sender history", "XLM omnibus account receives memo-less payments; attribute them by the sender's previous deposits."),
         ("Omnibus XLM account: auto-attribute payments missing a memo", "Build a matcher over source accounts and send unmatched payments to a review queue.")),
    ),
    "kyc_verification": (
        (("Vendor liveness check hangs on Android 14 camera", "camera2 capture session times out inside the liveness SDK on Android 14; bump the SDK, offer photo upload."),
         ("Android 14: identity selfie step freezes", "Liveness vendor SDK never returns after camera2 session start; add a fallback path.")),
        (("Non-Latin ID documents auto-rejected by OCR threshold", "OCR confidence cut-off of 0.85 rejects Arabic and Cyrillic documents; send low-confidence scans to manual review."),
         ("Lower OCR auto-reject threshold for Cyrillic and Arabic scripts", "Most non-Latin documents score below the vendor confidence cut-off and are rejected automatically.")),
        (("Identity review queue starves old applications", "Sorting by risk score alone leaves low-risk applications waiting for weeks; add SLA ageing."),
         ("Add SLA ageing to KYC manual review ordering", "Review queue only uses risk score; applications older than the SLA never reach the top.")),
    ),
    "2fa_account_locked": (
        (("SMS OTP: no failover when delivery receipt times out", "OtpSender waits on the primary provider's DLR forever; fail over to the secondary provider and voice."),
         ("Secondary SMS provider never used for OTP", "Failover only triggers on HTTP errors, not on missing delivery receipts.")),
        (("TotpVerifier rejects codes from phones with clock drift", "Only the current 30-second step is accepted; allow one step of drift either side."),
         ("Widen TOTP validation window to plus/minus one step", "Valid authenticator codes fail when the phone clock is a few seconds off.")),
        (("Failed-login counter survives password reset", "LoginAttemptService never clears the counter on a successful reset and the account locks again at once."),
         ("Reset lockout counter after successful password change", "Users are relocked right after resetting because old failures still count.")),
    ),
    "trading_bot_martingale": (
        (("Grid bot state not rehydrated after engine websocket reconnect", "BotScheduler drops the grid state machine on reconnect; open orders are never re-placed."),
         ("Bots go idle after matching-engine reconnect", "After a reconnect the scheduler has no grid state and the bot stops trading while showing Running.")),
        (("Martingale take-profit ignores trading fees", "MartingaleStrategy computes take-profit from the pre-fee average entry, so small targets never trigger."),
         ("Include fees in martingale average entry price", "Take-profit for small targets is unreachable because the average entry excludes fees.")),
        (("Stopping a bot leaves its safety-order cycle running", "StopBot only prevents new cycles; the pending safety orders of the current cycle still fill."),
         ("StopBot must cancel open safety orders", "Current cycle continues after stop; cancel pending safety orders immediately.")),
    ),
    "web3_wallet_latency": (
        (("Batch ERC-20 balance calls with Multicall3", "The wallet issues one eth_call per token; a portfolio with 200 tokens makes 200 RPC calls."),
         ("Token balance loading makes one RPC call per token", "N+1 eth_call pattern in the balance fetcher; batch and cache.")),
        (("Slow RPC node pins wallet requests", "The RPC pool has no health checks or hedging, so one slow node delays every request routed to it."),
         ("Health checks and hedged requests for the RPC pool", "Requests stick to unhealthy nodes; add health probes and hedging.")),
        (("WalletConnect session lost when the app goes to background", "The relay websocket closes in background and pending session requests are dropped."),
         ("Restore WalletConnect relay after backgrounding", "Pending dApp signature requests are lost because the relay connection is not restored.")),
    ),
    "fees": (
        (("VIP fee tier cache stale after volume recalculation", "The 30-day volume job updates the tier but the FeeTier cache keeps serving the old tier for days."),
         ("Invalidate FeeTier cache on tier change", "Tier updates are not propagated to the cache, so users pay the old tier's fees.")),
        (("ERC20 withdrawal fee shown from hour-old gas estimate", "Gas estimate refresh is hourly; the displayed and charged fee differ during gas spikes."),
         ("Refresh gas estimate for ERC20 withdrawal fees more often", "Stale gas price makes the quoted fee differ from the charged one.")),
        (("Fill replay double-posts fees in the ledger", "After a restart FeeCalculator posts the fee again for every replayed fill; key postings by fill id."),
         ("Idempotent fee postings per fill id", "Replayed fill events create duplicate fee postings in the ledger.")),
    ),
    "app_crash": (
        (("WalletFragment crash when tokenList is null on first sync", "tokenList is read in onResume before the first sync finishes; NullPointerException is the top Crashlytics issue."),
         ("Wallet tab NullPointerException before first token sync", "onResume dereferences an empty token list; guard it and show a loading state.")),
        (("KlineChartView keeps all candles in memory (OutOfMemoryError)", "Chart screen crashes on 2-3 GB Android phones; page the candle data and recycle bitmaps."),
         ("Out of memory in chart view on older Android phones", "KlineChartView never releases candle bitmaps, causing OOM on low-RAM devices.")),
        (("QR scanner crash on iOS when camera permission is pending", "AVCaptureSession is started before the permission prompt resolves."),
         ("iOS QR scanner starts capture session before permission callback", "Race between the permission prompt and session start crashes the scanner.")),
    ),
    "api_rate_limit": (
        (("WebSocket handshakes charged as REST request weight", "Each handshake costs 50 weight at the gateway; reconnect storms trigger IP bans."),
         ("Exclude websocket connects from REST weight", "Gateway weight accounting counts WS handshakes, so reconnecting clients get banned.")),
        (("Rate-limit buckets live per gateway pod", "Limits depend on the pod that serves the request; share the buckets in Redis."),
         ("Shared Redis token buckets for the API gateway", "Per-pod buckets make effective limits unpredictable for API clients.")),
        (("Cancels count toward the new-order rate limit", "The order limiter raises -1015 for cancel requests; count only new orders."),
         ("Order limiter should ignore cancel requests", "Clients hit -1015 while cancelling because cancels are counted as new orders.")),
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
