"""Stop words for the languages support tickets arrive in, and a cheap guess of which are present.

English is scikit-learn's list, read from its source file so that commands which only tokenize
(``closedloop link``) do not pay scikit-learn's second-long import; the others are short lists of
the most frequent function words (articles, pronouns, prepositions, auxiliaries, politeness
formulas common in tickets). CJK and Thai text has no spaces: use the ``char`` analyzer
(``LabelConfig.analyzer``) for it instead.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Iterable, Sequence


def _english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, loaded from ``sklearn/feature_extraction/_stop_words.py`` alone.

    That file defines one frozenset and imports nothing; loading it by path skips the package's
    ``__init__`` (about 1 s here). Falls back to the ordinary import if the file moves.
    """
    package = importlib.util.find_spec("sklearn")
    if package is not None and package.submodule_search_locations:
        path = f"{next(iter(package.submodule_search_locations))}/feature_extraction/_stop_words.py"
        spec = importlib.util.spec_from_file_location("_closedloop_sklearn_stop_words", path)
        if spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(module)
                return frozenset(module.ENGLISH_STOP_WORDS)
            except (OSError, AttributeError):
                pass
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


ENGLISH_STOP_WORDS: frozenset[str] = _english_stop_words()
"""scikit-learn's English stop-word list (318 words)."""

_LISTS: dict[str, str] = {
    "es": """a al algo algunos ante antes como con contra cual cuando de del desde donde durante e el ella
        ellos en entre era es esa ese eso esta estaba estamos estan estar este esto estos fue ha hay hola
        la las le les lo los mas me mi mis mucho muy nada ni no nos nosotros o os otra otro para pero poco
        por porque que quien se sea ser si sin sobre su sus también tambien te tengo tiene tu un una uno
        unos usted y ya yo gracias saludos estimado estimados favor puede podría podrian necesito""",
    "pt": """a ao aos as até com como da das de dela dele do dos e ela ele eles em entre era essa esse esta
        este eu foi há isso isto já lhe mais mas me meu minha muito na nas nem no nos nossa nosso não o os
        ou para pela pelo por porque quando que quem se sem seu sua são também te tem tenho um uma você
        olá obrigado obrigada atenciosamente prezado prezados favor pode poderia preciso está estou""",
    "fr": """à au aux avec ce ces cette dans de des du elle en est et être eu il ils je la le les leur lui
        ma mais me même mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa se ses son sur ta
        te tes toi ton tu un une vos votre vous y bonjour merci cordialement madame monsieur svp pouvez
        pourriez besoin suis avons avez sont été fait""",
    "de": """aber als am an auch auf aus bei bin bis bitte da dann das dass dem den der des die dies diese
        dieser du durch ein eine einem einen einer es für hat hatte haben habe ich ihr ihre im in ist ja
        kann können mein meine mich mir mit nach nicht noch nur oder sehr sie sind so über um und uns unser
        von vor war wie wir wird zu zum zur hallo danke freundlichen grüßen sehr geehrte geehrter damen
        herren könnten würden""",
    "it": """a ad al alla alle anche che chi ci come con da dal dalla de del della delle di e è ed gli ha
        ho i il in io la le lei lo loro lui ma mi mio mia nel nella no noi non o per perché più questa
        questo se si sono su sua suo ti tra tu un una uno vi voi ciao grazie cordiali saluti gentile
        potete potreste bisogno""",
    "tr": """acaba ama ancak bana belki ben benim bir biz bu bunu da daha de değil diye en gibi hem hep her
        hiç için ile ise kadar ki mi mu mü nasıl ne neden olan olarak şey şu siz ve veya ya yani merhaba
        teşekkürler teşekkür ederim lütfen saygılarımla""",
    "ru": """а без бы был была были было в вам вас весь во вот все всё вы где да для до его ее её если есть
        еще ещё же за здесь и из или им их к как когда кто ли мне мой мы на не нет но ну о об он она они
        оно от по под при с со так также там то тоже у уже чем что это я здравствуйте спасибо пожалуйста
        уважением""",
    "id": """ada adalah agar akan aku anda apa atau bagaimana bahwa banyak belum bisa dalam dan dari dengan
        di ia ini itu jika juga kami kamu karena ke kepada ketika lagi mereka oleh pada saat saya sudah
        tapi telah tentang tidak untuk yang halo terima kasih mohon bantuan""",
}

STOP_WORDS: dict[str, frozenset[str]] = {"en": frozenset(ENGLISH_STOP_WORDS)} | {
    lang: frozenset(words.split()) for lang, words in _LISTS.items()
}
LANGUAGES: tuple[str, ...] = tuple(STOP_WORDS)

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def guess_languages(texts: Sequence[str], min_share: float = 0.05, sample: int = 2000) -> tuple[str, ...]:
    """Languages whose stop words dominate at least ``min_share`` of the texts (English always included).

    Args:
        texts: Texts to inspect (a prefix of at most ``sample`` is read).
        min_share: Least share of texts for a language to count.
        sample: Texts inspected.

    Returns:
        Language codes from :data:`LANGUAGES`.
    """
    votes: Counter[str] = Counter()
    inspected = list(texts[:sample])
    for text in inspected:
        words = [w.lower() for w in _WORD.findall(text)]
        if not words:
            continue
        hits = {lang: sum(w in stop for w in words) for lang, stop in STOP_WORDS.items()}
        best = max(hits, key=lambda lang: hits[lang])
        if hits[best] > 0:
            votes[best] += 1
    total = max(1, len(inspected))
    found = {lang for lang, n in votes.items() if n / total >= min_share}
    return tuple(lang for lang in LANGUAGES if lang in found or lang == "en")


def stop_words(languages: Iterable[str]) -> list[str]:
    """The union of the stop-word lists of ``languages`` (unknown codes are ignored), sorted."""
    words: set[str] = set()
    for lang in languages:
        words |= STOP_WORDS.get(lang, frozenset())
    return sorted(words)
