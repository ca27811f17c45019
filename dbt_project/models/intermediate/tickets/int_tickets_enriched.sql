{#
  One row per ticket, any status: the ticket with everything the marts say about it (routing,
  responses, reopens, SLA, satisfaction, QA). fct_tickets keeps the resolved ones.

  one_touch / two_touch: resolved with exactly one / two public replies by human agents (the
  public opening comment of an agent-created ticket is no reply). A ticket the bot closed alone
  is neither.

  language: the help desk's own, or, when the source has none ('unknown'), the language the
  themes step detected in the ticket's text (topics.ticket_languages); a text too short to tell
  ('und') stays 'unknown'.

  A view: fct_tickets is its only reader and materialises it.
#}
{{ config(materialized='view') }}

with

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}

),

paths as (

    select * from {{ ref('int_ticket_tier_paths_aggregated') }}

),

responses as (

    select * from {{ ref('int_ticket_responses_summarized') }}

),

reopens as (

    select * from {{ ref('int_ticket_reopens_counted') }}

),

resolutions as (

    select * from {{ ref('int_ticket_resolutions_timed') }}

),

status_times as (

    select * from {{ ref('int_ticket_status_times_summed') }}

),

sla as (

    select * from {{ ref('int_tickets_sla_applied') }}

),

satisfaction as (

    select * from {{ ref('int_ticket_satisfaction_summarized') }}

),

detected_languages as (

    select ticket_id, detected_language
    from {{ ref('stg_topics__ticket_languages') }}
    where detected_language is not null and detected_language <> 'und'

),

qa as (

    select
        ticket_id,
        count(*) as qa_audits
    from {{ ref('stg_helpdesk__qa_audits') }}
    group by ticket_id

),

enriched as (

    select
        tickets.ticket_id,
        tickets.created_at,
        sla.first_response_at,
        resolutions.first_resolved_at,
        resolutions.resolved_at as solved_at,
        resolutions.resolved_at_source,
        coalesce(resolutions.is_closed_without_solve, false) as is_closed_without_solve,
        coalesce(responses.is_agent_created, false) as is_agent_created,
        tickets.status,
        tickets.is_resolved,
        tickets.channel,
        tickets.source_name,
        case
            when tickets.language = 'unknown' then coalesce(detected_languages.detected_language, 'unknown')
            else tickets.language
        end as language,
        tickets.priority,
        tickets.requester_id,
        tickets.assignee_id,
        sla.first_response_agent_id,

        paths.tier_path,
        paths.first_tier,
        paths.final_tier,
        paths.escalated_to,
        coalesce(paths.is_escalated, false) as is_escalated,
        cast(coalesce(paths.escalations, 0) as {{ dbt.type_int() }}) as escalations,
        cast(coalesce(paths.tier_hops, 0) as {{ dbt.type_int() }}) as handoffs,
        coalesce(paths.entered_bot, false) as entered_bot,
        tickets.is_resolved and coalesce(paths.is_bot_only, false)
            and coalesce(responses.public_agent_comments, 0) = 0 as bot_resolved,
        coalesce(paths.handed_off_to_human, false) as handed_off_to_human,

        sla.first_response_minutes,
        sla.first_response_business_minutes,
        sla.next_reply_minutes,
        sla.next_reply_business_minutes,
        sla.first_resolution_minutes,
        sla.first_resolution_business_minutes,
        sla.full_resolution_minutes,
        sla.full_resolution_business_minutes,
        sla.sla_tier,
        sla.sla_target_minutes,
        sla.sla_status,
        sla.is_first_response_breach,

        status_times.requester_wait_minutes,
        status_times.requester_wait_business_minutes,
        status_times.on_hold_minutes,
        status_times.on_hold_business_minutes,
        status_times.agent_wait_minutes,
        status_times.agent_wait_business_minutes,
        status_times.agent_work_minutes,
        status_times.agent_work_business_minutes,

        cast(coalesce(reopens.reopens, 0) as {{ dbt.type_int() }}) as reopens,
        cast(coalesce(responses.public_agent_comments, 0) as {{ dbt.type_int() }})
            as public_agent_comments,
        cast(coalesce(responses.public_agent_replies, 0) as {{ dbt.type_int() }})
            as public_agent_replies,
        tickets.is_resolved and coalesce(responses.public_agent_replies, 0) = 1 as is_one_touch,
        tickets.is_resolved and coalesce(responses.public_agent_replies, 0) = 2 as is_two_touch,

        satisfaction.csat_score,
        coalesce(satisfaction.surveys_sent, 0) > 0 as feedback_requested,
        coalesce(satisfaction.surveys_answered, 0) > 0 as feedback_received,
        coalesce(qa.qa_audits, 0) > 0 as qa_audited,

        tickets.subject,
        tickets.body,
        tickets.tags,
        tickets.backlog_key
    from tickets
    left join paths
        on tickets.ticket_id = paths.ticket_id
    left join responses
        on tickets.ticket_id = responses.ticket_id
    left join reopens
        on tickets.ticket_id = reopens.ticket_id
    left join resolutions
        on tickets.ticket_id = resolutions.ticket_id
    left join status_times
        on tickets.ticket_id = status_times.ticket_id
    left join sla
        on tickets.ticket_id = sla.ticket_id
    left join satisfaction
        on tickets.ticket_id = satisfaction.ticket_id
    left join detected_languages
        on tickets.ticket_id = detected_languages.ticket_id
    left join qa
        on tickets.ticket_id = qa.ticket_id

)

select * from enriched
