"""A real-review-shaped export through ``closedloop topics evaluate``: templates, languages, a brand.

The export imitates App Store reviews of an exchange called Zenbit: five complaints written in
English and in German, Portuguese and Spanish, the brand in nine reviews out of ten, and template
strings repeated hundreds of times ("neutral", "3 out of 5 i guess", "good app", "soooo good" in
several spellings) plus one-word reviews. It runs through the real embedding model (packaged
MiniLM), the production fit and the ``--themes-out`` writer.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

import pytest

from closedloop.cli.topics import evaluate
from topics.config import config_from_env

TOPICS: dict[str, dict[str, list[str]]] = {
    "deposit": {
        "en": ["deposit not received after {n} hours", "my deposit is still not credited",
               "deposit of {n} usdt never arrived",
               "sent a deposit {n} hours ago and it is not received", "bank deposit missing from my balance"],
        "de": ["Einzahlung nicht angekommen seit {n} Stunden", "meine Einzahlung wurde nicht gutgeschrieben"],
        "pt": ["depósito não chegou depois de {n} horas", "meu depósito não aparece no saldo"],
        "es": ["mi depósito no ha llegado después de {n} horas", "el depósito no aparece en mi saldo"],
    },
    "withdrawal": {
        "en": ["withdrawal stuck pending for {n} days", "my withdrawal is still processing after {n} days",
               "cannot withdraw, withdrawal pending forever", "withdrawal of {n} usdt pending since monday"],
        "de": ["Auszahlung seit {n} Tagen in Bearbeitung", "meine Auszahlung ist immer noch ausstehend"],
        "pt": ["saque pendente há {n} dias", "meu saque continua processando"],
        "es": ["retiro pendiente desde hace {n} días", "mi retiro sigue procesando"],
    },
    "fees": {
        "en": ["trading fees are way too high", "the fee charged on my trade was too high",
               "fees {n} percent higher than other exchanges", "they charged a huge withdrawal fee"],
        "de": ["die Gebühr ist viel zu hoch", "Gebühren {n} Prozent zu hoch"],
        "pt": ["a taxa é muito alta", "taxa cobrada muito alta em cada trade"],
        "es": ["la comisión es demasiado alta", "me cobraron una comisión demasiado alta"],
    },
    "crash": {
        "en": ["app crashes after the latest update", "the app keeps crashing since version {n}",
               "app closes on launch after update", "crashes every time I open the app after the update"],
        "de": ["App stürzt nach dem Update ab", "die App schließt sich seit Version {n}"],
        "pt": ["o app fecha depois da atualização", "aplicativo trava desde a versão {n}"],
        "es": ["la app se cierra después de la actualización", "la aplicación se bloquea desde la versión {n}"],
    },
    "login": {
        "en": ["cannot log in, verification code never arrives", "login fails, the sms code does not come",
               "locked out of my account, no verification code", "two factor code not arriving so I cannot login"],
        "de": ["Anmeldung geht nicht, Bestätigungscode kommt nicht", "kann mich nicht einloggen, kein Code"],
        "pt": ["não consigo fazer login, código de verificação não chega", "login falha, o código não chega"],
        "es": ["no puedo iniciar sesión, el código de verificación no llega", "el código de verificación no llega"],
    },
}
TEMPLATES = {"neutral": 200, "3 out of 5 i guess": 150, "good app": 100, "soooo good": 30, "sooooo good": 30,
             "soo good!!": 20, "mediocre": 6, "terrible": 6, "great": 6}
PER_LANGUAGE = {"en": 40, "de": 12, "pt": 12, "es": 12}


def review_rows(seed: int = 5) -> list[dict[str, str]]:
    """The export: one dict per review (text, topic, language), shuffled."""
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    for topic, languages in TOPICS.items():
        for language, forms in languages.items():
            for k in range(PER_LANGUAGE[language]):
                text = forms[k % len(forms)].format(n=rng.randint(2, 96))
                if rng.random() < 0.9:
                    brand = rng.choice(["Zenbit: {t}", "{t} on Zenbit", "{t}. Zenbit please fix", "zenbit {t}"])
                    text = brand.format(t=text)
                rows.append({"text": text, "topic": topic, "language": language})
    for template, copies in TEMPLATES.items():
        rows += [{"text": template, "topic": "template", "language": "en"}] * copies
    rng.shuffle(rows)
    return rows


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], list[dict[str, str]],
                                                                 list[dict[str, str]]]:
    """The export written as CSV and evaluated once with the production defaults (1 thread)."""
    folder = tmp_path_factory.mktemp("reviews")
    rows = review_rows()
    export = folder / "reviews.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["text", "topic", "language"])
        writer.writeheader()
        writer.writerows(rows)
    out = folder / "themes.csv"
    report = evaluate(export, "text", "topic", config=config_from_env().replace(threads=1),
                      cache_path=folder / "cache.duckdb", quiet=True, themes_out=out)
    with out.open(newline="", encoding="utf-8") as handle:
        themed = list(csv.DictReader(handle))
    return report, rows, themed


def test_templates_go_to_the_low_information_bucket(evaluated: tuple[dict[str, object], list[dict[str, str]],
                                                                     list[dict[str, str]]]) -> None:
    """Every template and one-word review is in the bucket, reported by count; no complaint is."""
    report, rows, themed = evaluated
    templates = sum(TEMPLATES.values())
    kinds = Counter((row["topic"] == "template", out["theme_kind"]) for row, out in zip(rows, themed, strict=True))
    assert kinds[(True, "low_information")] == templates
    assert kinds[(False, "low_information")] == 0
    assert report["low_information"] == templates
    assert {out["theme_name"] for out in themed if out["theme_kind"] == "low_information"} == {"Low-information text"}


def test_no_brand_theme_and_phrase_names(evaluated: tuple[dict[str, object], list[dict[str, str]],
                                                          list[dict[str, str]]]) -> None:
    """The brand in nine complaints of ten names no theme; names are phrases from the texts."""
    _, rows, themed = evaluated
    names = {out["theme_name"] for out in themed if out["theme_kind"] == "theme"}
    assert names, "no theme found"
    for name in names:
        assert "zenbit" not in name.lower(), name
        assert name != "(no keywords)", name
        assert "/" not in name, name
    by_theme: dict[str, Counter[str]] = {}
    for row, out in zip(rows, themed, strict=True):
        if out["theme_kind"] == "theme":
            by_theme.setdefault(out["theme_id"], Counter())[row["topic"]] += 1
    majority = sum(c.most_common(1)[0][1] for c in by_theme.values()) / sum(sum(c.values()) for c in by_theme.values())
    assert majority >= 0.8, by_theme


def test_no_language_only_theme(evaluated: tuple[dict[str, object], list[dict[str, str]],
                                                 list[dict[str, str]]]) -> None:
    """Under 10 % of the non-English complaints sit in a theme that is >= 90 % one non-English language."""
    _, rows, themed = evaluated
    languages: dict[str, Counter[str]] = {}
    for row, out in zip(rows, themed, strict=True):
        if out["theme_kind"] == "theme" and row["topic"] != "template":
            languages.setdefault(out["theme_id"], Counter())[row["language"]] += 1
    lumped = 0
    for counts in languages.values():
        language, top = counts.most_common(1)[0]
        if language != "en" and top >= 0.9 * sum(counts.values()):
            lumped += top
    non_english = sum(1 for row in rows if row["language"] != "en")
    assert lumped / non_english < 0.10, languages


def test_themes_out_has_one_row_per_input_row(evaluated: tuple[dict[str, object], list[dict[str, str]],
                                                               list[dict[str, str]]], tmp_path: Path) -> None:
    """``--themes-out`` writes every input row in order with its theme id, name, kind and parent column."""
    report, rows, themed = evaluated
    assert len(themed) == len(rows) == report["themes_out_rows"]
    assert list(themed[0]) == ["row", "text", "theme_id", "theme_name", "theme_kind", "parent_theme_id"]
    assert [out["text"] for out in themed] == [row["text"] for row in rows]
    assert all(out["theme_id"] != "" for out in themed)
