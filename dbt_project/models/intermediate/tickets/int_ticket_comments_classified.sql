{#
  Comments only, each with who wrote it: a human agent, the bot (raw.agents.is_bot), or the
  requester (any author who is not an agent). A view: only int_ticket_responses_summarized
  reads it, and writing every comment again costs more than classifying on the fly.
#}
{{ config(materialized='view') }}

with

events as (

    select * from {{ ref('stg_helpdesk__ticket_events') }}

),

agents as (

    select agent_id, is_bot from {{ ref('stg_helpdesk__agents') }}

),

classified as (

    select
        events.event_id,
        events.ticket_id,
        events.created_at as commented_at,
        events.author_id,
        events.is_public,
        case
            when agents.agent_id is null then 'requester'
            when agents.is_bot then 'bot'
            else 'human_agent'
        end as author_type
    from events
    left join agents
        on events.author_id = agents.agent_id
    where events.event_type = 'comment'

)

select * from classified
