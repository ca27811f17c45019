{#
  The business-hours clock. Every schedule's every local calendar day is cut into consecutive
  intervals from local 00:00 to 24:00, open or closed (a weekend day, or one of the schedule's
  holidays, is one closed interval). The bounds are wall time in the schedule's time zone,
  converted to UTC instants (macro local_to_utc), so a schedule open 09:00-17:00 in
  America/Los_Angeles opens at 17:00 UTC in winter and 16:00 UTC in summer, and a 24/7 day is
  23 hours long on the day clocks spring forward and 25 on the day they fall back. Each interval
  carries the open minutes the schedule has accumulated since the start of the calendar before
  it (open_minutes_before).

  The business minutes between two timestamps under a schedule are then
  position(end) - position(start), where position(ts) = open_minutes_before of the interval
  holding ts, plus the minutes of it elapsed by ts if it is open. Each timestamp matches one
  interval through an equality join on (schedule, local day of ts), not a range join over every
  open interval a long ticket spans.
#}
with

days as (

    select
        date_day,
        {{ iso_day_of_week('date_day') }} as iso_day_of_week
    from {{ ref('int_calendar_days_spined') }}

),

schedules as (

    select schedule_id, time_zone
    from {{ ref('int_schedules_resolved') }}

),

hours as (

    select schedule_id, iso_day_of_week, opens_minute, closes_minute
    from {{ ref('int_schedule_weekly_hours') }}

),

holidays as (

    select schedule_id, holiday_date
    from {{ ref('int_schedule_holidays_listed') }}

),

schedule_days as (

    select
        schedules.schedule_id,
        schedules.time_zone,
        days.date_day,
        days.iso_day_of_week,
        holidays.holiday_date is not null as is_holiday
    from schedules
    cross join days
    left join holidays
        on schedules.schedule_id = holidays.schedule_id
        and days.date_day = holidays.holiday_date

),

open_intervals as (

    select
        schedule_days.schedule_id,
        schedule_days.date_day,
        hours.opens_minute,
        hours.closes_minute,
        lag(hours.closes_minute) over (
            partition by schedule_days.schedule_id, schedule_days.date_day
            order by hours.opens_minute
        ) as previous_closes_minute,
        max(hours.closes_minute) over (
            partition by schedule_days.schedule_id, schedule_days.date_day
        ) as last_closes_minute
    from schedule_days
    inner join hours
        on schedule_days.schedule_id = hours.schedule_id
        and schedule_days.iso_day_of_week = hours.iso_day_of_week
    where not schedule_days.is_holiday
        and hours.closes_minute > hours.opens_minute

),

-- Cut every day into consecutive pieces from 00:00 to 24:00: open intervals and the closed
-- gaps around them, so that every moment falls in exactly one piece.
pieces as (

    select schedule_id, date_day, opens_minute as start_minute, closes_minute as end_minute,
        true as is_open
    from open_intervals

    union all

    select schedule_id, date_day, coalesce(previous_closes_minute, 0) as start_minute,
        opens_minute as end_minute, false as is_open
    from open_intervals
    where opens_minute > coalesce(previous_closes_minute, 0)

    union all

    select distinct schedule_id, date_day, last_closes_minute as start_minute,
        1440 as end_minute, false as is_open
    from open_intervals
    where last_closes_minute < 1440

    union all

    select schedule_id, date_day, 0 as start_minute, 1440 as end_minute, false as is_open
    from schedule_days
    where not exists (
        select 1
        from open_intervals
        where open_intervals.schedule_id = schedule_days.schedule_id
            and open_intervals.date_day = schedule_days.date_day
    )

),

bounded as (

    select
        pieces.schedule_id,
        schedules.time_zone,
        pieces.date_day,
        pieces.start_minute,
        pieces.is_open,
        {{ local_to_utc(
            dbt.dateadd('minute', 'pieces.start_minute', dbt.cast('pieces.date_day', dbt.type_timestamp())),
            'schedules.time_zone') }} as interval_start_at,
        {{ local_to_utc(
            dbt.dateadd('minute', 'pieces.end_minute', dbt.cast('pieces.date_day', dbt.type_timestamp())),
            'schedules.time_zone') }} as interval_end_at
    from pieces
    inner join schedules
        on pieces.schedule_id = schedules.schedule_id

),

measured as (

    select
        *,
        case
            when is_open then cast({{ minutes_between('interval_start_at', 'interval_end_at') }} as {{ dbt.type_bigint() }})
            else 0
        end as open_minutes
    from bounded

),

positioned as (

    select
        schedule_id,
        time_zone,
        date_day,
        interval_start_at,
        interval_end_at,
        is_open,
        open_minutes,
        cast(coalesce(
            sum(open_minutes) over (
                partition by schedule_id
                order by date_day, start_minute
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as {{ dbt.type_bigint() }}) as open_minutes_before
    from measured

)

select * from positioned
