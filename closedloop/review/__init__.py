"""Human review of links and themes, kept in the warehouse's ``review`` schema and re-applied on every run.

:mod:`closedloop.review.store` owns the schema (link decisions, theme decisions, users, the audit
trail) and turns theme decisions into ``topics.theme_edits``; :mod:`closedloop.review.effects`
orders candidate links by how much a decision moves the support-driven share;
:mod:`closedloop.review.users` keeps reviewers and viewers; :mod:`closedloop.review.web` is the
small Flask site. dbt reads ``review.link_decisions`` as a source (``stg_review__link_decisions``).
"""
