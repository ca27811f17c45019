"""Theme discovery from resolved ticket text: embed, cluster, label, keep ids stable, assign daily.

A pure library: it never imports Dagster or any other part of closedloop; callers pass redacted
text and a warehouse connection in. :mod:`topics.embed` makes and caches vectors (one stack for
themes and links), :mod:`topics.fit` fits themes with BERTopic and the injected :mod:`topics.cluster`
sub-models, :mod:`topics.stable` and :mod:`topics.edits` keep ids and human decisions across refits,
:mod:`topics.assign` assigns new tickets between refits, :mod:`topics.refresh` keeps the warehouse's
themes up to date, :mod:`topics.evaluate` scores themes on any labelled CSV, and :mod:`topics.link`
links themes and feedback to backlog items.
"""
