{#
  One row per gap between two consecutive public comments of human agents on a ticket: the
  span Zendesk's periodic update and pausable update SLA metrics measure ("the time between
  each public comment from agents"). Every public human-agent comment counts, the opening
  comment of an agent-created ticket included (it is an update the customer sees); internal
  notes, the bot and end users do not. Comments before the ticket's creation are ignored, as
  for the first reply. A ticket with fewer than two such comments has no gap. When no SLA
  policy in force has an update target, no gap is listed (nothing would read it, and the
  clocks of every gap cost a build time).

  A view: int_ticket_clock_segments_listed reads it once.
#}
{{ config(materialized='view') }}
with

tickets as (

    select ticket_id, created_at from {{ ref('stg_helpdesk__tickets') }}
    where exists (
        select 1 from {{ ref('int_sla_policies_resolved') }}
        where metric in ('periodic_update_time', 'pausable_update_time')
    )

),

updates as (

    select
        comments.ticket_id,
        comments.commented_at,
        lag(comments.commented_at) over (
            partition by comments.ticket_id order by comments.commented_at, comments.event_id
        ) as previous_update_at
    from {{ ref('int_ticket_comments_classified') }} as comments
    inner join tickets
        on comments.ticket_id = tickets.ticket_id
    where comments.author_type = 'human_agent'
        and comments.is_public
        and comments.commented_at >= tickets.created_at

)

select
    ticket_id,
    previous_update_at as gap_started_at,
    commented_at as gap_ended_at
from updates
where previous_update_at is not null
    and commented_at > previous_update_at
