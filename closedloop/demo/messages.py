"""Short texts for comments after the first message.

Bot replies, agent macros, internal notes, requester follow-ups, survey comments and QA notes.
"""

from __future__ import annotations

BOT_GREETING = (
    "Hi! I'm ExBot, the virtual assistant. I found a help article that may answer your question. "
    "Did it help?",
    "Hello! ExBot here. Let me check a few things for you. Could you confirm which asset this is "
    "about?",
    "Hi there, I'm ExBot. Most questions like this are answered in our help centre; here are the "
    "steps.",
)
BOT_CLOSE = (
    "Glad I could help! I'm closing this conversation; reply any time if you need more help.",
    "Great, this is solved. Have a nice day!",
)
BOT_HANDOFF = "Bot handoff: customer asked for a human agent. Language: {lang}. Intent: {intent}."
AGENT_FIRST = (
    "Hi, thanks for reaching out. My name is {name} and I'm looking into this for you now.",
    "Hello, {name} here from the support team. Thanks for the details, I'm checking your account.",
    "Thanks for contacting us. I'm {name}; could you share a screenshot while I check this?",
)
AGENT_FOLLOW = (
    "Thanks, I've checked this with the team and will update you shortly.",
    "Thank you for the information. I'm still on it.",
    "I understand this is urgent. I've raised the priority of your case.",
)
AGENT_SOLVE = (
    "This is now resolved on our side. If anything else comes up, just reply to this message.",
    "Your issue has been fixed. Thank you for your patience!",
    "We have completed the steps on our side; please check your account.",
)
SPECIALIST_REPLY = (
    "Our specialist team has reviewed your case and completed the necessary steps.",
    "The specialist team has finished the investigation; details are below.",
)
ESCALATION_NOTE = {
    "engineering": "Escalating to Engineering: customer impact confirmed, request id attached.",
    "legal": "Escalating to Legal: dispute or compensation request needs review.",
    "security": "Escalating to Security: possible account compromise, please secure the account.",
}
SECURITY_NOTE = "Security: {action} applied after review."
FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "en": ("any update?", "still waiting...", "ok I sent the screenshot", "hello??", "thanks"),
    "zh": ("有进展吗？", "还在等", "截图已发送"), "es": ("¿alguna novedad?", "sigo esperando"),
    "ru": ("есть новости?", "все еще жду"), "tr": ("bir gelişme var mı?", "hâlâ bekliyorum"),
    "vi": ("có cập nhật gì chưa?", "mình vẫn đang chờ"), "pt": ("alguma novidade?", "ainda aguardando"),
    "fr": ("du nouveau ?", "j'attends toujours"), "de": ("gibt es etwas Neues?", "ich warte noch"),
    "ja": ("進捗はありますか？", "まだ待っています"), "ko": ("진행 상황이 있나요?", "아직 기다리고 있어요"),
    "ar": ("هل من جديد؟", "ما زلت أنتظر"), "id": ("ada kabar?", "masih menunggu"),
    "it": ("novità?", "sto ancora aspettando"), "th": ("มีความคืบหน้าไหม", "ยังรออยู่"),
}
REOPEN: dict[str, tuple[str, ...]] = {
    "en": ("it is still not working", "the problem came back", "not solved, please reopen"),
    "zh": ("问题还是没有解决",), "es": ("todavía no funciona",), "ru": ("проблема не решена",),
    "tr": ("hâlâ çözülmedi",), "vi": ("vẫn chưa được giải quyết",), "pt": ("ainda não resolveu",),
    "fr": ("ce n'est toujours pas réglé",), "de": ("es funktioniert immer noch nicht",),
    "ja": ("まだ解決していません",), "ko": ("아직 해결되지 않았어요",), "ar": ("المشكلة لم تُحل بعد",),
    "id": ("masih belum beres",), "it": ("non è ancora risolto",), "th": ("ยังไม่ได้รับการแก้ไข",),
}
CSAT_GOOD = ("Fast and helpful, thanks!", "Great support", "Agent was very kind", "solved quickly")
CSAT_BAD = (
    "Took way too long", "Nobody answered for hours", "Problem not solved", "copy paste answers",
    "Had to explain everything twice", "bot was useless",
)
QA_COMMENTS = (
    "Good empathy; missed the verification step before discussing account details.",
    "Accurate answer, but the macro was not adapted to the customer.",
    "Escalated correctly and set expectations.",
    "Tone too formal for chat.",
    "Did not confirm the network before giving deposit instructions.",
    "Excellent, follows the security checklist.",
)
