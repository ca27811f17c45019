{#
  One row per ticket: its first-response, next-reply, first- and full-resolution times, in
  calendar and business minutes, and the first-response SLA.

  The SLA tier is the tier that owned the ticket when the first response was given (it owns the
  promise); without a first response, the tier that owns the ticket now. The target is the most
  specific sla_policies row for (priority, tier), else var default_first_response_target_minutes.
  The target is compared with business minutes (equal to calendar minutes for 24/7 tiers).
  A ticket without a human first response has no SLA outcome (not_applicable): the bot
  answered it, or it was solved without a public reply.
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

paths as (

    select ticket_id, final_tier
    from {{ ref('int_ticket_tier_paths_aggregated') }}

),

segments as (

    select * from {{ ref('int_ticket_clock_segments_measured') }}

),

policies as (

    select * from {{ ref('sla_policies') }}
    where sla_metric = 'first_response'

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
            as full_resolution_business_minutes,
        max(case when clock_name = 'first_response' then period_number end)
            as first_response_period_number
    from segments
    group by ticket_id

),

response_tiers as (

    select
        segments.ticket_id,
        segments.tier as first_response_tier
    from segments
    inner join clock_totals
        on segments.ticket_id = clock_totals.ticket_id
        and segments.clock_name = 'first_response'
        and segments.period_number = clock_totals.first_response_period_number

),

timed as (

    select
        tickets.ticket_id,
        tickets.priority,
        responses.first_response_at,
        responses.first_response_agent_id,
        coalesce(response_tiers.first_response_tier, paths.final_tier) as sla_tier,
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
    left join paths
        on tickets.ticket_id = paths.ticket_id
    left join clock_totals
        on tickets.ticket_id = clock_totals.ticket_id
    left join response_tiers
        on tickets.ticket_id = response_tiers.ticket_id

),

matched_policies as (

    select
        timed.ticket_id,
        policies.target_minutes,
        row_number() over (
            partition by timed.ticket_id
            order by
                case when policies.tier = timed.sla_tier then 1 else 0 end desc,
                case when policies.priority = timed.priority then 1 else 0 end desc
        ) as specificity_rank
    from timed
    inner join policies
        on (policies.tier = timed.sla_tier or policies.tier = '*')
        and (policies.priority = timed.priority or policies.priority = '*')

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
        cast(
            coalesce(matched_policies.target_minutes, {{ var('default_first_response_target_minutes') }})
            as {{ dbt.type_int() }}
        ) as sla_target_minutes,
        case
            when timed.first_response_at is null then 'not_applicable'
            when timed.first_response_business_minutes
                > coalesce(matched_policies.target_minutes, {{ var('default_first_response_target_minutes') }})
                then 'breached'
            else 'met'
        end as sla_status
    from timed
    left join matched_policies
        on timed.ticket_id = matched_policies.ticket_id
        and matched_policies.specificity_rank = 1

)

select
    *,
    case
        when sla_status = 'breached' then true
        when sla_status = 'met' then false
    end as is_first_response_breach
from applied
