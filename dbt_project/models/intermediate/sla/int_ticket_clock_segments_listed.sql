{#
  The clocks a ticket runs, cut at every change of owning tier, so that each piece can be
  counted on the schedule of the tier that owned the ticket at the time.

    first_response   from ticket creation to the first public comment by a human agent
    full_resolution  from ticket creation to the (last) solve

  Nothing pauses either clock except the owning tier's closed hours. Tickets without a first
  response have no first_response clock; unresolved tickets no full_resolution clock.

  A view: int_ticket_clock_segments_measured reads it once.
#}
{{ config(materialized='view') }}
with

tickets as (

    select ticket_id, created_at, solved_at, is_resolved
    from {{ ref('stg_helpdesk__tickets') }}

),

responses as (

    select ticket_id, first_response_at
    from {{ ref('int_ticket_responses_summarized') }}
    where first_response_at is not null

),

periods as (

    select * from {{ ref('int_ticket_tier_periods_sequenced') }}

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
        'full_resolution' as clock_name,
        created_at as clock_start_at,
        solved_at as clock_end_at
    from tickets
    where is_resolved
        and solved_at is not null

),

segments as (

    select
        clocks.ticket_id,
        clocks.clock_name,
        periods.period_number,
        periods.tier,
        periods.schedule_id,
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
