"""Theme discovery from resolved ticket text: embed, cluster, label, keep ids stable, assign daily.

A pure library (it never imports dagster): :mod:`topics.embed` and :mod:`topics.cache` make and
cache vectors, :mod:`topics.fit` fits themes with BERTopic and the injected :mod:`topics.cluster`
sub-models, :mod:`topics.stable` and :mod:`topics.edits` keep ids and human decisions across refits,
and :mod:`topics.assign` assigns new tickets between refits.
"""
