{#
  One row per ticket and SLA metric of the policy that applies to it (int_ticket_sla_policies_matched),
  for the ticket's priority, after fivetran/dbt_zendesk's zendesk__sla_policies (one row per
  ticket, metric and SLA event: policy, target, in_business_hours, elapsed time, breach).

    first_reply_time     creation to the first reply: the outcome of int_tickets_sla_applied
    next_reply_time      the first end-user comment after the first reply to the next reply
    requester_wait_time  time in new, open and on-hold, to the final resolution
    agent_work_time      time in new and open, to the final resolution

  elapsed_minutes is business minutes when the target is in business hours, else calendar
  minutes; achieved_at is when the clock stopped (the reply, or the final resolution). A metric
  whose clock has not stopped is 'active' on an unresolved ticket (no elapsed time: the marts
  hold no "now") and 'not_applicable' on a resolved one (solved without a reply, or a next
  reply never asked for).

    periodic_update_time  the longest gap between two public human-agent comments, without the
                          time the ticket was solved in between (int_ticket_update_gaps_measured)
    pausable_update_time  the same, paused while the ticket was pending

  For the update metrics sla_applied_at and achieved_at bound that longest gap: one gap over
  the target is a breach. Without two updates they are 'active' on an unresolved ticket (no
  "now" to measure the running gap) and 'not_applicable' on a resolved one.
  Zendesk records one next-reply event per exchange; closedloop measures the first one.
#}
with

tickets as (

    select
        stg_tickets.ticket_id,
        stg_tickets.created_at,
        stg_tickets.is_resolved,
        resolutions.resolved_at
    from {{ ref('stg_helpdesk__tickets') }} as stg_tickets
    left join {{ ref('int_ticket_resolutions_timed') }} as resolutions
        on stg_tickets.ticket_id = resolutions.ticket_id

),

applied as (

    select * from {{ ref('int_tickets_sla_applied') }}

),

responses as (

    select ticket_id, next_reply_requested_at, next_reply_at
    from {{ ref('int_ticket_responses_summarized') }}

),

status_times as (

    select * from {{ ref('int_ticket_status_times_summed') }}

),

matched as (

    select * from {{ ref('int_ticket_sla_policies_matched') }}

),

targets as (

    select
        matched.ticket_id,
        matched.policy_id,
        matched.policy_title,
        matched.priority,
        policies.metric,
        policies.target_minutes,
        policies.in_business_hours
    from matched
    inner join {{ ref('int_sla_policies_resolved') }} as policies
        on matched.policy_id = policies.policy_id
        and matched.priority = policies.priority
    where policies.metric in ('first_reply_time', 'next_reply_time', 'requester_wait_time', 'agent_work_time',
        'periodic_update_time', 'pausable_update_time')

),

-- The longest gap between two updates is the one that decides the ticket's update metrics,
-- counted in the target's own hours.
ranked_gaps as (

    select
        targets.ticket_id,
        targets.metric,
        gaps.gap_started_at,
        gaps.gap_ended_at,
        case when targets.in_business_hours then gaps.business_minutes else gaps.calendar_minutes end
            as gap_minutes,
        row_number() over (
            partition by targets.ticket_id, targets.metric
            order by case when targets.in_business_hours then gaps.business_minutes else gaps.calendar_minutes end
                desc,
                gaps.gap_started_at
        ) as gap_rank
    from targets
    inner join {{ ref('int_ticket_update_gaps_measured') }} as gaps
        on targets.ticket_id = gaps.ticket_id
        and targets.metric = gaps.metric

),

-- No QUALIFY: PostgreSQL has none.
longest_gaps as (

    select ticket_id, metric, gap_started_at, gap_ended_at, gap_minutes
    from ranked_gaps
    where gap_rank = 1

),

clocks as (

    select
        targets.*,
        tickets.is_resolved,
        case
            when targets.metric = 'next_reply_time' then responses.next_reply_requested_at
            when targets.metric in ('periodic_update_time', 'pausable_update_time') then longest_gaps.gap_started_at
            else tickets.created_at
        end as sla_applied_at,
        case targets.metric
            when 'first_reply_time' then applied.first_response_at
            when 'next_reply_time' then responses.next_reply_at
            when 'periodic_update_time' then longest_gaps.gap_ended_at
            when 'pausable_update_time' then longest_gaps.gap_ended_at
            else case when tickets.is_resolved then tickets.resolved_at end
        end as achieved_at,
        case
            when targets.metric in ('periodic_update_time', 'pausable_update_time') then longest_gaps.gap_minutes
            when targets.metric = 'first_reply_time' and targets.in_business_hours
                then applied.first_response_business_minutes
            when targets.metric = 'first_reply_time' then applied.first_response_minutes
            when targets.metric = 'next_reply_time' and targets.in_business_hours
                then applied.next_reply_business_minutes
            when targets.metric = 'next_reply_time' then applied.next_reply_minutes
            when targets.metric = 'requester_wait_time' and targets.in_business_hours
                then status_times.requester_wait_business_minutes
            when targets.metric = 'requester_wait_time' then status_times.requester_wait_minutes
            when targets.in_business_hours then status_times.agent_work_business_minutes
            else status_times.agent_work_minutes
        end as clock_minutes
    from targets
    inner join tickets
        on targets.ticket_id = tickets.ticket_id
    left join applied
        on targets.ticket_id = applied.ticket_id
    left join responses
        on targets.ticket_id = responses.ticket_id
    left join status_times
        on targets.ticket_id = status_times.ticket_id
    left join longest_gaps
        on targets.ticket_id = longest_gaps.ticket_id
        and targets.metric = longest_gaps.metric
    where targets.metric <> 'next_reply_time' or responses.next_reply_requested_at is not null

),

measured as (

    select
        ticket_id,
        metric,
        policy_id,
        policy_title,
        priority,
        cast(target_minutes as {{ type_double() }}) as target_minutes,
        in_business_hours,
        sla_applied_at,
        achieved_at,
        cast(case when achieved_at is not null then clock_minutes end as {{ type_double() }})
            as elapsed_minutes,
        case
            when (achieved_at is null or clock_minutes is null) and is_resolved then 'not_applicable'
            when achieved_at is null or clock_minutes is null then 'active'
            when clock_minutes > target_minutes then 'breached'
            else 'met'
        end as sla_status
    from clocks

)

select
    *,
    case
        when sla_status = 'breached' then true
        when sla_status = 'met' then false
    end as is_breached
from measured
