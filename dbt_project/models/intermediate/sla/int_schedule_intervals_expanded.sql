{#
  The business-hours clock. Every schedule's every calendar day is cut into consecutive
  intervals from 00:00 to 24:00, open or closed (a weekend day, or a holiday for a schedule
  that observes holidays, is one closed interval). Each interval carries the open minutes the
  schedule has accumulated since the start of the calendar before it (open_minutes_before).

  The business minutes between two timestamps under a schedule are then
  position(end) - position(start), where position(ts) = open_minutes_before of the interval
  holding ts, plus the minutes of it elapsed by ts if it is open. Each timestamp matches one
  interval through an equality join on (schedule, day), not a range join over every open
  interval a long ticket spans.
#}
with

days as (

    select
        date_day,
        {{ iso_day_of_week('date_day') }} as iso_day_of_week
    from {{ ref('int_calendar_days_spined') }}

),

schedules as (

    select schedule_id, observes_holidays
    from {{ ref('business_schedules') }}

),

hours as (

    select
        schedule_id,
        iso_day_of_week,
        {{ clock_text_to_minutes('opens_at') }} as opens_minute,
        {{ clock_text_to_minutes('closes_at') }} as closes_minute
    from {{ ref('schedule_hours') }}

),

holidays as (

    select distinct holiday_date
    from {{ ref('holidays') }}

),

schedule_days as (

    select
        schedules.schedule_id,
        days.date_day,
        days.iso_day_of_week,
        schedules.observes_holidays and holidays.holiday_date is not null as is_holiday
    from schedules
    cross join days
    left join holidays
        on days.date_day = holidays.holiday_date

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

positioned as (

    select
        schedule_id,
        date_day,
        {{ dbt.dateadd('minute', 'start_minute', dbt.cast('date_day', dbt.type_timestamp())) }}
            as interval_start_at,
        {{ dbt.dateadd('minute', 'end_minute', dbt.cast('date_day', dbt.type_timestamp())) }}
            as interval_end_at,
        is_open,
        case when is_open then end_minute - start_minute else 0 end as open_minutes,
        cast(coalesce(
            sum(case when is_open then end_minute - start_minute else 0 end) over (
                partition by schedule_id
                order by date_day, start_minute
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as {{ dbt.type_bigint() }}) as open_minutes_before
    from pieces

)

select * from positioned
