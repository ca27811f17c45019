{#
  The clocks a ticket runs, cut at every change of owning tier, so that each piece can be
  counted on the schedule of the tier that owned the ticket at the time.

    first_response    from ticket creation to the first reply (int_ticket_responses_summarized)
    next_reply        from the first end-user comment after the first reply to the next reply
    first_resolution  from ticket creation to the first resolution
    full_resolution   from ticket creation to the last resolution of a resolved ticket
    agent_work        each finished period in new or open (int_ticket_status_periods_sequenced)
    agent_wait        each finished period in pending
    on_hold           each finished period in on-hold
    periodic_update   each gap between two public human-agent comments (int_ticket_update_gaps_listed),
                      without the time the ticket was solved in between
    pausable_update   the same, without the time it was pending either

  Nothing pauses a clock except the owning tier's closed hours. A clock whose end has not
  happened (no reply yet, not resolved) is not listed.

  A view: int_ticket_clock_segments_measured reads it once.
#}
{{ config(materialized='view') }}
with

tickets as (

    select
        stg_tickets.ticket_id,
        stg_tickets.created_at,
        resolutions.first_resolved_at,
        resolutions.resolved_at,
        stg_tickets.is_resolved
    from {{ ref('stg_helpdesk__tickets') }} as stg_tickets
    left join {{ ref('int_ticket_resolutions_timed') }} as resolutions
        on stg_tickets.ticket_id = resolutions.ticket_id

),

responses as (

    select ticket_id, first_response_at, next_reply_requested_at, next_reply_at
    from {{ ref('int_ticket_responses_summarized') }}
    where first_response_at is not null

),

periods as (

    select * from {{ ref('int_ticket_tier_periods_sequenced') }}

),

update_gaps as (

    select * from {{ ref('int_ticket_update_gaps_listed') }}

),

all_status_periods as (

    select ticket_id, status, period_started_at, period_ended_at
    from {{ ref('int_ticket_status_periods_sequenced') }}

),

-- The periodic update clock runs through a gap except while the ticket is solved (Zendesk
-- stops every SLA clock at the solve); the pausable one also pauses while it is pending.
update_clocks as (

    select
        update_gaps.ticket_id,
        update_clocks_named.clock_name,
        case
            when all_status_periods.period_started_at > update_gaps.gap_started_at
                then all_status_periods.period_started_at
            else update_gaps.gap_started_at
        end as clock_start_at,
        case
            when all_status_periods.period_ended_at is not null
                and all_status_periods.period_ended_at < update_gaps.gap_ended_at
                then all_status_periods.period_ended_at
            else update_gaps.gap_ended_at
        end as clock_end_at
    from update_gaps
    inner join all_status_periods
        on update_gaps.ticket_id = all_status_periods.ticket_id
        and all_status_periods.period_started_at < update_gaps.gap_ended_at
        and (all_status_periods.period_ended_at is null
            or all_status_periods.period_ended_at > update_gaps.gap_started_at)
    inner join (
        select 'periodic_update' as clock_name
        union all
        select 'pausable_update' as clock_name
    ) as update_clocks_named
        on all_status_periods.status not in ('solved', 'closed')
        and (update_clocks_named.clock_name = 'periodic_update' or all_status_periods.status <> 'pending')

),

status_periods as (

    select ticket_id, status, period_started_at, period_ended_at
    from {{ ref('int_ticket_status_periods_sequenced') }}
    where period_ended_at is not null
        and status in ('new', 'open', 'pending', 'hold')

),

clocks as (

    select
        tickets.ticket_id,
        'first_response' as clock_name,
        tickets.created_at as clock_start_at,
        responses.first_response_at as clock_end_at
    from tickets
    inner join responses
        on tickets.ticket_id = responses.ticket_id

    union all

    select
        ticket_id,
        'next_reply' as clock_name,
        next_reply_requested_at as clock_start_at,
        next_reply_at as clock_end_at
    from responses
    where next_reply_at is not null

    union all

    select
        ticket_id,
        'first_resolution' as clock_name,
        created_at as clock_start_at,
        first_resolved_at as clock_end_at
    from tickets
    where first_resolved_at is not null

    union all

    select
        ticket_id,
        'full_resolution' as clock_name,
        created_at as clock_start_at,
        resolved_at as clock_end_at
    from tickets
    where is_resolved
        and resolved_at is not null

    union all

    select
        ticket_id,
        case
            when status = 'pending' then 'agent_wait'
            when status = 'hold' then 'on_hold'
            else 'agent_work'
        end as clock_name,
        period_started_at as clock_start_at,
        period_ended_at as clock_end_at
    from status_periods

    union all

    select ticket_id, clock_name, clock_start_at, clock_end_at
    from update_clocks
    where clock_end_at > clock_start_at

),

segments as (

    select
        clocks.ticket_id,
        clocks.clock_name,
        periods.period_number,
        periods.tier,
        periods.schedule_id,
        periods.time_zone,
        case
            when periods.period_start_at > clocks.clock_start_at then periods.period_start_at
            else clocks.clock_start_at
        end as segment_start_at,
        case
            when periods.period_end_at is not null and periods.period_end_at < clocks.clock_end_at
                then periods.period_end_at
            else clocks.clock_end_at
        end as segment_end_at
    from clocks
    inner join periods
        on clocks.ticket_id = periods.ticket_id
        and periods.period_start_at < clocks.clock_end_at
        and (periods.period_end_at is null or periods.period_end_at > clocks.clock_start_at)

)

select * from segments
where segment_end_at > segment_start_at
