from __future__ import annotations

import duckdb
import numpy as np

from topics.config import TopicConfig, TrackConfig


def _fit(texts, embedder, seed=3):
    from topics.fit import fit_themes

    return fit_themes(texts, embedder.embed(texts), TopicConfig(seed=seed, threads=1))


def test_refit_keeps_theme_ids_and_human_names(fake_embedder, grouped):
    from topics.stable import match_themes

    texts, _ = grouped(["refund", "login", "shipping"], per_group=12)
    first = match_themes([], _fit(texts, fake_embedder)).result
    named = tuple(t.replace(human_name=f"named {t.theme_id}") for t in first.themes)
    ids_by_group = {texts[t.representative_docs[0]].split()[0]: t.theme_id for t in named}

    more, _ = grouped(["shipping", "refund", "login"], per_group=14)
    refit = match_themes(named, _fit(more, fake_embedder, seed=11))
    for theme in refit.result.themes:
        group = more[theme.representative_docs[0]].split()[0]
        assert theme.theme_id == ids_by_group[group]
        assert theme.human_name == f"named {theme.theme_id}"
    assert {e.kind for e in refit.lineage} == {"continued"}


def test_a_new_theme_gets_a_fresh_id(fake_embedder, grouped):
    from topics.stable import match_themes

    texts, _ = grouped(["refund", "login"], per_group=12)
    first = match_themes([], _fit(texts, fake_embedder))
    more, _ = grouped(["refund", "login", "invoice"], per_group=12)
    refit = match_themes(first.result.themes, _fit(more, fake_embedder))
    new_ids = {t.theme_id for t in refit.result.themes} - {t.theme_id for t in first.result.themes}
    assert len(new_ids) == 1
    assert min(new_ids) >= first.next_id


def test_a_split_is_recorded_in_lineage(fake_embedder, grouped):
    from topics.records import FitResult
    from topics.stable import match_themes

    texts, labels = grouped(["refund", "login", "shipping"], per_group=12)
    vectors = fake_embedder.embed(texts)
    refit = match_themes([], _fit(texts, fake_embedder)).result
    # Before: refund and login were one theme (id 100), shipping was theme 200.
    merged_centroid = vectors[[i for i, g in enumerate(labels) if g != "shipping"]].mean(0)
    shipping = next(t for t in refit.themes if labels[t.representative_docs[0]] == "shipping")
    old_themes = (shipping.replace(theme_id=100, centroid=merged_centroid / np.linalg.norm(merged_centroid),
                                   keywords=("refund", "login")), shipping.replace(theme_id=200))
    previous_docs = {f"t{i}": (200 if g == "shipping" else 100) for i, g in enumerate(labels)}
    new_fit = FitResult(themes=tuple(t.replace(theme_id=j) for j, t in enumerate(refit.themes)),
                        assignments=np.array([[t.theme_id for t in refit.themes].index(a) for a in refit.assignments]),
                        probabilities=refit.probabilities, n_fit_docs=refit.n_fit_docs, fit_seconds=0.0)
    matched = match_themes(old_themes, new_fit, TrackConfig(match_threshold=0.4), previous_docs=previous_docs,
                           doc_keys=[f"t{i}" for i in range(len(texts))], next_id=300)
    splits = [e for e in matched.lineage if e.kind == "split"]
    assert {e.old_theme_id for e in splits} == {100}
    assert len(splits) == 2
    assert all(abs(e.share - 0.5) < 1e-9 for e in splits)
    assert any(e.kind == "continued" and e.old_theme_id == 200 and e.new_theme_id == 200 for e in matched.lineage)


def test_stored_edits_are_reapplied_after_a_refit(fake_embedder, grouped):
    from topics.edits import ThemeEdit, apply_edits, load_edits, save_edit
    from topics.stable import match_themes

    texts, _ = grouped(["refund", "login", "shipping", "invoice"], per_group=12)
    first = match_themes([], _fit(texts, fake_embedder))
    ids = {texts[t.representative_docs[0]].split()[0]: t.theme_id for t in first.result.themes}
    con = duckdb.connect()
    save_edit(con, ThemeEdit(1, "rename", ids["refund"], name="Refunds"))
    save_edit(con, ThemeEdit(2, "merge", ids["invoice"], into_theme_id=ids["refund"]))
    save_edit(con, ThemeEdit(3, "ignore", ids["login"]))
    save_edit(con, ThemeEdit(4, "split_off", ids["shipping"], name="Lost parcels", pattern=r"courier lost"))

    more, _ = grouped(["invoice", "shipping", "login", "refund"], per_group=12)
    refit = match_themes(first.result.themes, _fit(more, fake_embedder, seed=9))
    outcome = apply_edits(refit.result, load_edits(con), more, fake_embedder.embed(more), refit.next_id)
    themes = {t.theme_id: t for t in outcome.result.themes}
    assert outcome.skipped == ()
    assert themes[ids["refund"]].name == "Refunds"
    assert themes[ids["refund"]].size == 24
    assert ids["invoice"] not in themes
    assert themes[ids["login"]].ignored
    lost = next(t for t in themes.values() if t.human_name == "Lost parcels")
    assert lost.size == 3
    assert themes[ids["shipping"]].size == 9


def test_new_documents_go_to_the_right_existing_theme(fake_embedder, grouped):
    from topics.assign import assign_documents, assignment_agreement
    from topics.stable import match_themes

    texts, _ = grouped(["refund", "login", "shipping"], per_group=12)
    themes = match_themes([], _fit(texts, fake_embedder)).result.themes
    ids = {texts[t.representative_docs[0]].split()[0]: t.theme_id for t in themes}
    new = ["login new phone cannot log in", "refund still waiting for my money", "shipping box arrived crushed",
           "invoice vat number missing"]
    daily = assign_documents(fake_embedder.embed(new), themes, min_similarity=0.5)
    assert daily.theme_ids.tolist() == [ids["login"], ids["refund"], ids["shipping"], -1]
    assert daily.unassigned_share == 0.25
    agreement = assignment_agreement(daily.theme_ids, np.array([ids["login"], ids["refund"], ids["shipping"], -1]))
    assert agreement.same_theme == 0.75
    assert agreement.both_unassigned == 0.25


def test_refit_runs_on_schedule_or_when_too_much_is_unassigned():
    from topics.assign import needs_refit

    config = TrackConfig(refit_every_days=7, refit_unassigned_share=0.15)
    assert not needs_refit(0.05, 3, config)
    assert needs_refit(0.05, 7, config)
    assert needs_refit(0.2, 1, config)
