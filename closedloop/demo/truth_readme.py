"""Text of ``truth/README.md``."""

README = """\
# truth/: what the demo generator planted

The pipeline never reads this folder. It holds the facts the generator planted, so tests and
people can check that closedloop recovers them. All timestamps are UTC, ISO 8601
(`2024-03-01T09:14:03Z`); booleans are `true`/`false`; an empty cell means "none".

## tickets.csv (one row per resolved ticket)
| column | meaning |
|---|---|
| ticket_id | Zendesk ticket id |
| theme | planted pain-point theme slug (see themes.csv) |
| language | ISO 639-1 code the text is written in (also custom field 360010000001) |
| channel | canonical channel: chat, email, in_app, social, phone (from `via.channel`) |
| priority | low, normal, high, urgent (a null priority in the export means normal) |
| tier_path | groups the ticket passed through, in order, e.g. `bot>l1>engineering` |
| final_tier | last tier of tier_path (the ticket's final `group_id`) |
| bot_resolved | the bot solved it; no human ever replied |
| handed_off_to_human | the bot started the conversation and handed it to L1 or VIP |
| created_at | ticket creation |
| first_response_at | first public comment by a human agent (bot comments do not count) |
| solved_at | final solve (`metric_set.solved_at`; after the last reopen) |
| first_response_minutes | (first_response_at - created_at) in calendar minutes, seconds / 60 |
| is_first_response_breach | first_response_minutes > 10 (the 10-minute SLA) |
| reopens | times the requester reopened a solved ticket (0, 1 or 2) |
| agent_id | final assignee (the bot for bot-resolved tickets) |
| feedback_requested | a satisfaction survey was sent |
| csat_rating | 1-5 answer; empty when the survey was not sent or not answered |
| qa_audited | the ticket has a row in qa/qa_reviews.csv |

## operations_quarterly.csv (one row per quarter of the final solved_at)
| column | definition (over the quarter's resolved tickets) |
|---|---|
| tickets_resolved | count |
| median_first_response_minutes | median of first_response_minutes over tickets with a human first response |
| p90_first_response_minutes | 90th percentile of the same, linear interpolation (numpy default) |
| sla_breach_rate | share of tickets with a human first response whose first_response_minutes > 10 |
| feedback_coverage | surveys sent / tickets resolved |
| csat_avg | mean csat_rating over answered surveys |
| csat_response_rate | answered surveys / surveys sent |
| bot_containment_rate | bot-resolved tickets / tickets resolved |
| escalation_rate | tickets whose tier_path reached engineering, legal or security / tickets resolved |

## security_interventions.csv (one row per security case: tickets escalated to Security)
ticket_id; flagged_at (custom field security_flagged_at: when the case reached Security);
actioned_at (security_actioned_at); minutes_to_intervention (whole minutes, actioned - flagged);
action (account_frozen, funds_frozen, password_reset, no_action); within_target
(minutes_to_intervention < 15).

## deposit_recoveries.csv (one row per misdirected deposit with recovery fields)
ticket_id; asset; amount (2 decimals, in units of the asset); method (automatic: recovered
within hours; manual: days, often via Engineering); status (recovered, unrecoverable, pending);
created_at (ticket creation); recovered_at (empty unless recovered); days_to_recover
((recovered_at - created_at) in days, float).

## backlog_items.csv (one row per Jira issue)
item_id (EX-n); item_type (epic, story, bug, task); status (To Do, In Progress, Done);
created_at; shipped_at (resolutiondate of a done item); is_improvement (a story or bug that
shipped: status category done with a resolution date; tasks and epics never are);
driving_theme (theme whose ticket build-up caused the item; empty for roadmap work);
link_style (how the item can be tied to tickets: ticket_ids_in_description = "#48213" ids in the
description; helpdesk_link_field = help-desk URLs in customfield_10050; backlog_key_on_tickets =
tickets carry the key in custom field backlog_key, set only on tickets created while the item
was open; engineering_words_only = no explicit link, the problem is described in engineering
terms; none = roadmap work); expected_ticket_drop (a shipped support-driven item: its theme's
volume falls 40-70% within one to two weeks of shipped_at; roadmap items never move tickets).
Labels in the Jira export are planted imperfectly: 80% of roadmap stories and bugs carry
`roadmap` or `okr`, 10% of support-driven fixes carry `roadmap`, and 30% carry
`customer-reported`.

## support_driven_share.csv (one row per quarter of shipped_at)
shipped_improvements; support_driven_improvements (improvements with a driving_theme);
support_driven_share (support_driven / shipped; empty when nothing shipped). About 40% per year.

## themes.csv (one row per theme)
theme; name; description; incident_weeks (ISO weeks, `2024-W14`, of planted spikes, `;`
separated); fix_item_ids (shipped support-driven items of the theme, `;` separated);
fix_shipped_dates (their shipped dates, same order).
"""
