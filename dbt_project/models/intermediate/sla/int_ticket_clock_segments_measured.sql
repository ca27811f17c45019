{#
  Calendar and business minutes of each clock segment. Business minutes are
  position(segment end) - position(segment start) on the segment's schedule; see
  int_schedule_intervals_expanded for the position. On a 24/7 schedule they equal calendar
  minutes; on Mon-Fri 09:00-18:00 nights, weekends and holidays do not count. Each timestamp
  finds its interval by the local date it falls on in the schedule's time zone.

  A view: int_tickets_sla_applied (reply and resolution clocks) and
  int_ticket_status_times_summed (status clocks) each read their own clocks and materialise the
  ticket totals.
#}
{{ config(materialized='view') }}
with

segments as (

    select * from {{ ref('int_ticket_clock_segments_listed') }}

),

intervals as (

    select * from {{ ref('int_schedule_intervals_expanded') }}

),

measured as (

    select
        segments.ticket_id,
        segments.clock_name,
        segments.period_number,
        segments.tier,
        segments.schedule_id,
        segments.segment_start_at,
        segments.segment_end_at,
        {{ minutes_between('segments.segment_start_at', 'segments.segment_end_at') }}
            as calendar_minutes,
        cast(
            (
                end_interval.open_minutes_before
                + case
                    when end_interval.is_open
                        then {{ minutes_between('end_interval.interval_start_at', 'segments.segment_end_at') }}
                    else 0
                end
            )
            - (
                start_interval.open_minutes_before
                + case
                    when start_interval.is_open
                        then {{ minutes_between('start_interval.interval_start_at', 'segments.segment_start_at') }}
                    else 0
                end
            )
            as {{ type_double() }}
        ) as business_minutes
    from segments
    left join intervals as start_interval
        on segments.schedule_id = start_interval.schedule_id
        and cast({{ utc_to_local('segments.segment_start_at', 'segments.time_zone') }} as date)
            = start_interval.date_day
        and segments.segment_start_at >= start_interval.interval_start_at
        and segments.segment_start_at < start_interval.interval_end_at
    left join intervals as end_interval
        on segments.schedule_id = end_interval.schedule_id
        and cast({{ utc_to_local('segments.segment_end_at', 'segments.time_zone') }} as date)
            = end_interval.date_day
        and segments.segment_end_at >= end_interval.interval_start_at
        and segments.segment_end_at < end_interval.interval_end_at

)

select * from measured
