{#
  One row per ticket: its first-response, next-reply, first- and full-resolution times, in
  calendar and business minutes, and the first-response SLA.

  The SLA tier and policy come from int_ticket_sla_policies_matched (the first policy whose
  filter the ticket matches); the target is that policy's first_reply_time target for the
  ticket's priority, compared with business minutes when the target is in business hours (the
  seed's always are; equal to calendar minutes for 24/7 tiers), else calendar minutes. A ticket
  without a human first response, or without a first-reply target, has no SLA outcome
  (not_applicable): the bot answered it, it was solved without a public reply, or no policy
  applies. fct_sla_events holds this same first_reply_time outcome beside the other metrics.
#}
with

tickets as (

    select
        stg_tickets.ticket_id,
        stg_tickets.created_at,
        resolutions.first_resolved_at,
        resolutions.resolved_at,
        stg_tickets.is_resolved,
        stg_tickets.priority
    from {{ ref('stg_helpdesk__tickets') }} as stg_tickets
    left join {{ ref('int_ticket_resolutions_timed') }} as resolutions
        on stg_tickets.ticket_id = resolutions.ticket_id

),

responses as (

    select
        ticket_id,
        first_response_at,
        first_response_agent_id,
        next_reply_requested_at,
        next_reply_at
    from {{ ref('int_ticket_responses_summarized') }}

),

matched as (

    select * from {{ ref('int_ticket_sla_policies_matched') }}

),

first_reply_targets as (

    select policy_id, priority, target_minutes, in_business_hours
    from {{ ref('int_sla_policies_resolved') }}
    where metric = 'first_reply_time'

),

segments as (

    -- Only the reply and resolution clocks: the filter reaches into the view's union, so the
    -- status and update clocks are not measured here.
    select * from {{ ref('int_ticket_clock_segments_measured') }}
    where clock_name in ('first_response', 'next_reply', 'first_resolution', 'full_resolution')

),

clock_totals as (

    select
        ticket_id,
        sum(case when clock_name = 'first_response' then business_minutes end)
            as first_response_business_minutes,
        sum(case when clock_name = 'next_reply' then business_minutes end)
            as next_reply_business_minutes,
        sum(case when clock_name = 'first_resolution' then business_minutes end)
            as first_resolution_business_minutes,
        sum(case when clock_name = 'full_resolution' then business_minutes end)
            as full_resolution_business_minutes
    from segments
    group by ticket_id

),

timed as (

    select
        tickets.ticket_id,
        tickets.priority,
        responses.first_response_at,
        responses.first_response_agent_id,
        matched.sla_tier,
        matched.policy_id as sla_policy_id,
        case
            when responses.first_response_at is not null
                then {{ minutes_between('tickets.created_at', 'responses.first_response_at') }}
        end as first_response_minutes,
        case
            when responses.first_response_at is not null
                then coalesce(clock_totals.first_response_business_minutes, 0)
        end as first_response_business_minutes,
        case
            when responses.next_reply_at is not null
                then {{ minutes_between('responses.next_reply_requested_at', 'responses.next_reply_at') }}
        end as next_reply_minutes,
        case
            when responses.next_reply_at is not null
                then coalesce(clock_totals.next_reply_business_minutes, 0)
        end as next_reply_business_minutes,
        case
            when tickets.first_resolved_at is not null
                then {{ minutes_between('tickets.created_at', 'tickets.first_resolved_at') }}
        end as first_resolution_minutes,
        case
            when tickets.first_resolved_at is not null
                then coalesce(clock_totals.first_resolution_business_minutes, 0)
        end as first_resolution_business_minutes,
        case
            when tickets.is_resolved and tickets.resolved_at is not null
                then {{ minutes_between('tickets.created_at', 'tickets.resolved_at') }}
        end as full_resolution_minutes,
        case
            when tickets.is_resolved and tickets.resolved_at is not null
                then coalesce(clock_totals.full_resolution_business_minutes, 0)
        end as full_resolution_business_minutes
    from tickets
    left join responses
        on tickets.ticket_id = responses.ticket_id
    left join matched
        on tickets.ticket_id = matched.ticket_id
    left join clock_totals
        on tickets.ticket_id = clock_totals.ticket_id

),

applied as (

    select
        timed.ticket_id,
        timed.first_response_at,
        timed.first_response_agent_id,
        timed.first_response_minutes,
        timed.first_response_business_minutes,
        timed.next_reply_minutes,
        timed.next_reply_business_minutes,
        timed.first_resolution_minutes,
        timed.first_resolution_business_minutes,
        timed.full_resolution_minutes,
        timed.full_resolution_business_minutes,
        timed.sla_tier,
        timed.sla_policy_id,
        cast(targets.target_minutes as {{ dbt.type_int() }}) as sla_target_minutes,
        targets.in_business_hours as sla_in_business_hours,
        case
            when timed.first_response_at is null or targets.target_minutes is null then 'not_applicable'
            when case
                    when targets.in_business_hours then timed.first_response_business_minutes
                    else timed.first_response_minutes
                end > targets.target_minutes
                then 'breached'
            else 'met'
        end as sla_status
    from timed
    left join first_reply_targets as targets
        on timed.sla_policy_id = targets.policy_id
        and timed.priority = targets.priority

)

select
    *,
    case
        when sla_status = 'breached' then true
        when sla_status = 'met' then false
    end as is_first_response_breach
from applied
