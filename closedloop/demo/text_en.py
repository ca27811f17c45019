"""English ticket text: subjects and bodies per theme, written the way customers write.

Placeholders in braces are filled per ticket by ``text.Slots`` (assets, amounts, networks,
addresses, transaction hashes, app versions, devices, order ids, contact details).
"""

from __future__ import annotations

SUBJECTS: dict[str, tuple[str, ...]] = {
    "deposit_not_credited": (
        "Deposit not credited",
        "{asset} deposit not showing in my account",
        "where is my deposit?? {amount} {asset}",
        "Deposit still not arrived after {hours} hours",
        "URGENT deposit missing",
        "balance not updated after deposit",
        "deposit confirmed on blockchain but not credited",
    ),
    "withdrawal_stuck": (
        "Withdrawal stuck in processing",
        "{asset} withdrawal pending for {hours} hours",
        "withdrawal not received!!!",
        "Why is my withdrawal still processing?",
        "withdraw stuck pls help",
        "Withdrawal completed but not received in wallet",
    ),
    "wrong_network_memo": (
        "Sent {asset} on wrong network",
        "Forgot memo/tag on {asset} deposit",
        "deposited via {network} instead of {network2}",
        "Missing destination tag on XRP deposit",
        "wrong chain deposit recovery",
        "I forgot the MEMO!!",
    ),
    "kyc_verification": (
        "KYC verification failed",
        "Identity verification pending for {days} days",
        "Why was my KYC rejected?",
        "cant verify my account",
        "Selfie verification keeps failing",
        "Proof of address rejected",
    ),
    "2fa_account_locked": (
        "Locked out of my account",
        "Lost my 2FA phone",
        "Google Authenticator code not working",
        "Account locked after too many attempts",
        "reset 2FA please",
        "SMS code not arriving",
    ),
    "phishing_compromised": (
        "My account was hacked",
        "Unauthorized withdrawal from my account",
        "I think I clicked a phishing link",
        "Someone logged into my account",
        "Fake support scammed me",
        "URGENT funds stolen",
    ),
    "p2p_dispute": (
        "P2P seller not releasing crypto",
        "P2P dispute - I paid but no coins",
        "Buyer did not pay but marked as paid",
        "P2P order {order} appeal",
        "scammed on P2P",
        "P2P seller asking for more money",
    ),
    "futures_liquidation": (
        "Unfair liquidation on futures",
        "Position liquidated before reaching liq price",
        "liquidated by a wick on {pair}",
        "Lost all my margin, mark price wrong",
        "Why was I liquidated?",
        "Futures liquidation complaint",
    ),
    "trading_bot_martingale": (
        "Martingale bot keeps buying",
        "Grid bot stopped working",
        "Trading bot lost all my money",
        "martingale bot settings question",
        "bot not closing positions on {pair}",
        "Martingale strategy drained my balance",
    ),
    "web3_wallet_latency": (
        "Web3 wallet very slow",
        "dApp connection timeout in Web3 wallet",
        "Web3 wallet balance not loading",
        "Swap stuck pending in Web3 wallet",
        "WalletConnect not working",
        "Web3 wallet transaction takes forever",
    ),
    "fees": (
        "Why such a high withdrawal fee?",
        "Trading fee discount not applied",
        "Hidden fees on card purchase",
        "Fee charged twice",
        "VIP fee tier not updated",
        "Question about maker/taker fees",
    ),
    "app_crash": (
        "App crashes on startup",
        "App keeps crashing after update {ver}",
        "App closes when I open wallet",
        "Black screen after login",
        "app not opening on {device}",
        "Crash when placing order",
    ),
    "api_rate_limit": (
        "API rate limit 429 errors",
        "Getting HTTP 429 too many requests",
        "API IP banned -1003",
        "IP banned from REST API",
        "Websocket disconnects and rate limits",
        "Need higher API rate limit",
    ),
    "other": (
        "Referral bonus not received",
        "How do I change my nickname?",
        "Please delete my account",
        "Where can I download my tax statement?",
        "Is the exchange available in {country}?",
        "Partnership / listing inquiry",
    ),
}

BODIES: dict[str, tuple[str, ...]] = {
    "deposit_not_credited": (
        "I deposited {amount} {asset} from my other wallet {hours} hours ago and it still does "
        "not show in my balance. The transaction already has all confirmations on the explorer. "
        "TxID: {txid}",
        "my {asset} deposit is not credited. blockchain shows it as confirmed but my spot wallet "
        "still shows 0. pls check",
        "Sent {amount} {asset} to my deposit address {addr}. explorer says success, your app says "
        "nothing. where is my money",
        "My deposit of {amount} {asset} is stuck at {conf} confirmations in deposit history. The "
        "network confirmed it long ago, why is it not credited?",
        "I made a deposit yesterday, {amount} {asset}, and it never got credited to my account. "
        "I need these funds to trade today. Please credit my deposit asap",
        "I deposited {fiat} with my card {card}, the money left my bank but my balance was not "
        "credited. Deposit history says processing.",
        "Deposit history shows my {asset} deposit as pending but the blockchain shows it as "
        "completed. hash {txid}",
    ),
    "withdrawal_stuck": (
        "I withdrew {amount} {asset} to my wallet {addr} {hours} hours ago and it still says "
        "processing. Normally it takes a few minutes. Please release my withdrawal.",
        "my withdrawal is stuck on pending review since yesterday. i need the money urgently to "
        "pay rent. why does it take so long",
        "The withdrawal shows completed in your app but I have not received anything in my "
        "wallet. You gave me txid {txid} but it does not exist on the explorer.",
        "Withdrawal of {amount} {asset} via {network} has been processing for {hours}h. Other "
        "exchanges send instantly. cancel it or send it now",
        "I requested a withdrawal of {fiat} to my bank account and it is still pending after "
        "{days} days.",
        "withdrawal stuck, status awaiting approval. i already passed the email and SMS "
        "confirmation. {amount} {asset} still not received",
    ),
    "wrong_network_memo": (
        "I sent {amount} {asset} using the {network} network but your deposit address was for "
        "{network2}. The funds left my wallet. Can you recover the wrong network deposit? "
        "TxID {txid}",
        "I forgot to enter the memo when depositing {amount} {asset}. The transaction is "
        "confirmed but not credited. My memo should be {memo}. Please recover it.",
        "deposit of {amount} XRP without destination tag. I only pasted the address {addr}, the "
        "tag field was empty. please help me recover",
        "I chose the wrong chain ({network}) when sending {asset} from another exchange. Is it "
        "possible to get my coins back? how much is the recovery fee",
        "Put the wrong memo on my {asset} deposit, it was my old tag {memo}. Funds didnt arrive.",
        "Sent USDT on {network} to an address for {network2}, the transfer went through but "
        "nothing credited. please recover {amount} USDT",
    ),
    "kyc_verification": (
        "I uploaded my {doc} three times and the verification keeps failing with document not "
        "clear. The photo is perfectly clear. I cant withdraw without KYC.",
        "My identity verification is under review for {days} days now. How long does it take? "
        "I need to unlock withdrawals.",
        "KYC rejected with no reason. I am from {country} and used my {doc}. please tell me what "
        "is wrong",
        "The face verification liveness check freezes on my {device}. It says move closer and "
        "then fails. I tried 10 times.",
        "my proof of address was rejected but it is a bank statement from last month with my "
        "full name and address. what else do you want",
        "I need to upgrade to {kyc_level} to increase my withdrawal limit but the identity "
        "verification page shows an error.",
    ),
    "2fa_account_locked": (
        "I changed my phone and lost my Google Authenticator. Now I cannot log in. Please reset "
        "my 2FA. Phone number on the account: {phone}",
        "my account is locked after too many wrong password attempts. it says try again in 24 "
        "hours but still locked",
        "The SMS verification code never arrives to my number {phone}. I tried many times. I "
        "cannot withdraw or log in.",
        "2FA codes are always invalid even though the time on my phone is synced. I am locked "
        "out of my account with {amount} {asset} inside.",
        "I submitted the 2FA reset request {days} days ago and it is still under review. How "
        "long does a security reset take?",
        "authenticator not working after app update {ver}, asks for the 2FA code every time and "
        "rejects it. account locked now",
    ),
    "phishing_compromised": (
        "Someone withdrew {amount} {asset} from my account to {addr} without my permission! I "
        "did not do this. Freeze my account now!!",
        "I got an email that looked like it was from you asking to verify my account, I entered "
        "my password and 2FA code. Now I see a login from an unknown device. please lock my "
        "account",
        "A person on Telegram pretending to be your support asked for my API key and 2FA code. "
        "After that my balance is gone. TxID {txid}",
        "I received login alerts from {country} which is not me. I changed my password but I am "
        "scared my account is compromised.",
        "my API keys were used to make trades I did not place and funds were withdrawn. this "
        "is a hack",
        "Got an SMS saying my withdrawal of {amount} {asset} is pending and to call a number. I "
        "called and they took my 2FA. Please freeze everything",
    ),
    "p2p_dispute": (
        "I paid {fiat} by {payment} for P2P order {order} but the seller has not released the "
        "{asset}. It has been {hours} hours and they do not answer the chat.",
        "The buyer marked the order as paid but I never received the money in my bank account. "
        "Do not release my {asset}. P2P order {order}",
        "I opened an appeal on P2P order {order} but nobody from your team has joined. The "
        "merchant blocked me.",
        "The P2P counterparty sent the money from a third-party account with a different name. "
        "My bank froze my account. What do I do?",
        "P2P seller is asking me to pay extra outside the platform. I already paid {fiat}. "
        "please cancel and refund",
        "I bought {amount} USDT on P2P, paid with card {card} and the order got cancelled "
        "automatically. money is gone.",
    ),
    "futures_liquidation": (
        "My {pair} long position at {lev} was liquidated but the price never reached my "
        "liquidation price on any other exchange. I lost {amount} USDT. I want a refund.",
        "The mark price spiked for one second and my futures position got liquidated. This is "
        "manipulation. Order {order}",
        "I added margin but the system still liquidated me. The add margin button did not work "
        "during the volatility.",
        "Futures position closed by the liquidation engine while the app was frozen, I could not "
        "close manually. Compensation please.",
        "why was my isolated margin position liquidated and the insurance fund took everything? "
        "liq price shown {liq}, the low was higher",
        "stop loss did not trigger on my {pair} futures and i got liquidated instead. lost "
        "{amount} USDT",
    ),
    "trading_bot_martingale": (
        "I set up the martingale bot on {pair} with {n} safety orders and it kept doubling the "
        "order size until my whole balance was used. Is this a bug?",
        "My grid bot on {pair} stopped placing orders since yesterday. Status shows running but "
        "no trades.",
        "The martingale bot did not take profit at {tp}% as configured, it just kept averaging "
        "down. Lost {amount} USDT.",
        "how do I stop the bot from opening new cycles? I pressed stop but the martingale bot "
        "still bought {asset}",
        "Copied a bot strategy from the marketplace and it uses a 2x martingale multiplier. I did "
        "not agree to that.",
        "trading bot terminated with error insufficient balance but I had {amount} USDT available",
    ),
    "web3_wallet_latency": (
        "The Web3 wallet takes {secs} seconds to load my token balances and then shows 0. On "
        "{network} it is really slow.",
        "When I connect to {dapp} with the Web3 wallet it times out. The signature request never "
        "appears.",
        "My swap in the Web3 wallet is pending for {mins} minutes. The gas was paid. TxID {txid}",
        "Web3 wallet keeps spinning on syncing and I cannot sign transactions. App version {ver} "
        "on {device}.",
        "Token list in the web3 wallet does not load, RPC error. I need to move my {asset} now",
        "the web3 wallet shows wrong balance, takes ages to refresh after every transaction",
    ),
    "fees": (
        "I withdrew {amount} {asset} and was charged a fee of {fee} {asset}, much higher than "
        "shown on your fee page.",
        "I hold the platform token but my trading fee discount is not applied. Paying the full "
        "taker fee on every trade.",
        "I bought crypto with my card {card} and the final amount was {fiat} more than quoted. "
        "What are these hidden fees?",
        "My 30-day volume qualifies for VIP {tier} but my fee tier is still regular.",
        "I was charged the trading fee twice on order {order}. Please refund the duplicate fee.",
        "what is the maker and taker fee for {pair} spot and futures? the fee schedule is "
        "confusing",
    ),
    "app_crash": (
        "Since updating to {ver} the app crashes immediately when I open it. {device}, {os}. "
        "Reinstalled twice.",
        "The app closes by itself every time I tap on Wallet / Assets. I cannot see my balance.",
        "after login i get a black screen and the app freezes. {device}",
        "App crashes when I try to place a limit order on {pair}. It worked last week.",
        "the app keeps crashing on {os} when I open the chart. Version {ver}. Please fix",
        "App force closes when scanning the QR code for deposit. {device} {os}",
    ),
    "api_rate_limit": (
        "My trading bot gets HTTP 429 Too Many Requests on {endpoint} even though we send less "
        "than {rpm} requests per minute.",
        "Our IP was banned for way too many requests (-1003). We only poll the order book every "
        "second. Please unban.",
        "The REST API weight limits changed without notice and our market making strategy keeps "
        "hitting 429. Request higher limits for our account.",
        "websocket stream disconnects every few minutes and then reconnect attempts get rate "
        "limited with 429.",
        "Error code -1015 too many new orders on {endpoint}. Is there a way to increase the "
        "order rate limit?",
        "We are a market maker and need an API rate limit increase for sub-accounts. current "
        "limit {rpm}/min is not enough",
    ),
    "other": (
        "I invited 3 friends with my referral link and they traded, but I did not get the "
        "referral bonus.",
        "How can I change my nickname and the language of the app?",
        "I want to close my account permanently and delete my data. What are the steps?",
        "I need a yearly statement of all my trades for my tax return. Where can I download it?",
        "I am moving to {country}. Can I still use the exchange there?",
        "We are a project looking to list our token and discuss a partnership. Who can we talk "
        "to?",
    ),
}

GREETINGS = ("", "", "Hi,", "Hello,", "Hi team,", "Dear support,", "hey", "Good morning,", "hello")
CLOSINGS = (
    "", "", "", "Thanks", "thx", "pls help asap", "Please help!!", "Regards", "waiting for your reply",
    "this is urgent", "why is nobody answering??", "Thank you in advance", "help!!!",
)
CONTACTS = (
    "My email is {email}", "you can call me on {phone}", "Registered email: {email}",
    "WhatsApp {phone}", "contact me at {email} or {phone}",
)
