"""The English stop words are scikit-learn's list, read without importing scikit-learn."""

from __future__ import annotations

import subprocess
import sys

from topics.stopwords import ENGLISH_STOP_WORDS


def test_the_english_list_is_scikit_learns() -> None:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as SKLEARN

    assert ENGLISH_STOP_WORDS == frozenset(SKLEARN)
    assert {"the", "and", "would"} <= ENGLISH_STOP_WORDS


def test_the_link_command_starts_without_importing_scikit_learn() -> None:
    """`closedloop link` on a cached backlog takes about 2.5 s; importing scikit-learn would add 1 s."""
    probe = "import sys, closedloop.cli.link; print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
