"""Theme ids stay stable across refits; splits, merges and new themes are recorded."""

from __future__ import annotations

import numpy as np

from topics.ids import match_theme_ids

E = np.eye(4)


def test_a_refit_that_finds_the_same_themes_in_another_order_keeps_every_id():
    mapping, events = match_theme_ids([7, 9], E[[0, 1]], [["deposit"], ["kyc"]], E[[1, 0]], [["kyc"], ["deposit"]])
    assert mapping == [9, 7]
    assert sorted(kind for kind, *_ in events) == ["kept", "kept"]


def test_a_theme_that_splits_keeps_its_id_on_one_part_and_records_the_split():
    half = (E[0] + 0.3 * E[2]) / np.linalg.norm(E[0] + 0.3 * E[2])
    other = (E[0] + 0.9 * E[3]) / np.linalg.norm(E[0] + 0.9 * E[3])
    mapping, events = match_theme_ids([1, 2], E[[0, 1]], [["withdrawal"], ["fees"]],
                                      np.stack([half, E[1], other]), [["withdrawal"], ["fees"], ["withdrawal", "tron"]])
    assert mapping[:2] == [1, 2]
    assert mapping[2] == 3
    assert ("split", 1, 3) in [(k, a, b) for k, a, b, _ in events]


def test_an_unrelated_new_theme_gets_a_fresh_id_and_a_vanished_one_is_retired():
    mapping, events = match_theme_ids([4], E[[0]], [["phishing"]], E[[2]], [["martingale"]])
    assert mapping == [5]
    assert {(k, a, b) for k, a, b, _ in events} == {("new", None, 5), ("retired", 4, None)}


def test_two_themes_merging_keeps_one_id_and_records_the_merge():
    both = (E[0] + E[1]) / np.sqrt(2)
    mapping, events = match_theme_ids([1, 2], E[[0, 1]], [["2fa", "locked"], ["2fa", "reset"]], both[None, :],
                                      [["2fa", "locked", "reset"]])
    assert len(mapping) == 1
    assert mapping[0] in (1, 2)
    assert any(k == "merged" for k, *_ in events)
