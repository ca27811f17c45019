"""Identifier-aware tokens: what engineers write meets what users write."""

from __future__ import annotations

import pytest

from topics.embed.text import text_hash
from topics.link.text import gloss_engineering_terms, split_identifier, split_title, stem, tokenize


@pytest.mark.parametrize(
    ("identifier", "words"),
    [
        ("WalletFragment.onResume", ["wallet", "fragment", "on", "resume"]),
        ("media_library_scan", ["media", "library", "scan"]),
        ("HTTPServerError", ["http", "server", "error"]),
        ("org.videolan.vlc.gui.AudioPlayer", ["org", "videolan", "vlc", "gui", "audio", "player"]),
        ("risk-rules.yaml", ["risk", "rules", "yaml"]),
        ("eth_call", ["eth", "call"]),
    ],
)
def test_code_identifiers_split_into_lowercase_words(identifier, words):
    assert split_identifier(identifier) == words


def test_an_engineers_crash_title_shares_terms_with_a_users_complaint():
    engineer = set(tokenize("NPE in WalletFragment.onResume when token list is empty"))
    user = set(tokenize("The app crashes when I open my wallet"))
    assert "wallet" in engineer & user


def test_stop_words_and_bare_numbers_are_not_terms():
    assert tokenize("it is 2024 and the 3 of us") == []


def test_inflections_fold_to_one_term():
    assert stem("crashes") == stem("crashing") == stem("crashed") == "crash"
    assert stem("libraries") == "library"
    assert stem("status") == "status"


def test_identifier_splitting_can_be_turned_off():
    assert "walletfragment" in tokenize("WalletFragment crashed", split_identifiers=False)


def test_the_first_line_of_a_tracker_text_is_its_title():
    assert split_title("Crash on start\nSteps:\n1. open") == ("Crash on start", "Steps:\n1. open")
    assert split_title("one line only") == ("one line only", "")


def test_text_hash_ignores_whitespace_differences():
    assert text_hash("crash  on\nstart ") == text_hash("crash on start")


@pytest.mark.parametrize(
    ("jargon", "glossed"),
    [
        ("NPE in WalletFragment.onResume", "NPE (crash) in WalletFragment.onResume"),
        ("setVideoSurface throws IllegalStateException", "setVideoSurface throws IllegalStateException (crash)"),
        ("OOM in KlineChartView", "OOM (crash) in KlineChartView"),
        ("Chart View keeps candles (Out Of Memory Error)", "Chart View keeps candles (Out Of Memory Error (crash))"),
        ("Null Pointer Exception in wallet tab", "Null Pointer Exception (crash) in wallet tab"),
        ("SIGSEGV in libvlc", "SIGSEGV (crash) in libvlc"),
        ("IOException when reading subtitles", "IOException (crash) when reading subtitles"),
        ("Player runs out of memory on 8K files", "Player runs out of memory (crash) on 8K files"),
        ("ANR when the SD card is removed", "ANR (freezes) when the SD card is removed"),
    ],
)
def test_engineers_jargon_for_a_crash_or_freeze_gets_the_users_word(jargon, glossed):
    assert gloss_engineering_terms(jargon) == glossed


@pytest.mark.parametrize(
    "text",
    [
        "App crashes on launch: NullPointerException in MainActivity",  # already says crash
        "Player freezes with an ANR on Android TV",  # already says freezes
        "Exception handling refactor in the sync module",  # no exception class named
        "Improve exception messages in the sync log",
        "HTTPServerError shown as a toast",  # an error message, not a crash
        "Room database migration",  # "oom" inside a word
    ],
)
def test_texts_that_name_the_symptom_or_no_crash_are_left_as_they_are(text):
    assert gloss_engineering_terms(text) == text


def test_only_the_first_crash_term_is_glossed():
    assert gloss_engineering_terms("NPE after OOM") == "NPE (crash) after OOM"
