"""Each ticket gets a detected language."""

from __future__ import annotations

from topics.language import detect_languages


def test_tickets_in_different_languages_are_told_apart():
    texts = [
        "My withdrawal has been pending for three days, please help",
        "Mi retiro lleva tres días pendiente, por favor ayuda",
        "Mein Konto ist gesperrt, ich habe meinen 2FA Code verloren",
        "我的充值还没有到账，请帮忙查一下",
        "Пополнение не пришло на счёт уже два часа",
        "出金が3日間保留中です。助けてください",
    ]
    assert [d.language for d in detect_languages(texts)] == ["en", "es", "de", "zh", "ru", "ja"]


def test_text_without_letters_is_undetermined():
    assert detect_languages(["12345 <EMAIL> !!!"])[0].language == "und"
