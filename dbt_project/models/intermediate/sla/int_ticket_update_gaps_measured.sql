{#
  One row per ticket, update metric (periodic_update_time, pausable_update_time) and gap between
  two consecutive public human-agent comments (int_ticket_update_gaps_listed): the calendar and
  business minutes the metric's clock ran in it. The periodic clock skips the time the ticket
  was solved in between, the pausable one also the time it was pending; business minutes count
  each piece on the schedule of the tier that owned the ticket then, as every other clock. A gap
  spent entirely pending counts 0 pausable minutes.
#}
with

gaps as (

    select * from {{ ref('int_ticket_update_gaps_listed') }}

),

metrics as (

    select 'periodic_update' as clock_name, 'periodic_update_time' as metric
    union all
    select 'pausable_update' as clock_name, 'pausable_update_time' as metric

),

segments as (

    select ticket_id, clock_name, segment_start_at, calendar_minutes, business_minutes
    from {{ ref('int_ticket_clock_segments_measured') }}
    where clock_name in ('periodic_update', 'pausable_update')

),

measured as (

    select
        gaps.ticket_id,
        metrics.metric,
        gaps.gap_started_at,
        gaps.gap_ended_at,
        cast(coalesce(sum(segments.calendar_minutes), 0) as {{ type_double() }}) as calendar_minutes,
        cast(coalesce(sum(segments.business_minutes), 0) as {{ type_double() }}) as business_minutes
    from gaps
    cross join metrics
    left join segments
        on gaps.ticket_id = segments.ticket_id
        and metrics.clock_name = segments.clock_name
        and segments.segment_start_at >= gaps.gap_started_at
        and segments.segment_start_at < gaps.gap_ended_at
    group by gaps.ticket_id, metrics.metric, gaps.gap_started_at, gaps.gap_ended_at

)

select * from measured
