{#
  One row per schedule in force and local date it is closed for a holiday. Exported schedules
  have their own holidays (a range of dates, both ends included, in the schedule's time zone);
  seed schedules that observe holidays share the holidays seed.
#}
with

schedules as (

    select * from {{ ref('int_schedules_resolved') }}

),

days as (

    select date_day from {{ ref('int_calendar_days_spined') }}

),

exported as (

    select
        holidays.schedule_id,
        days.date_day as holiday_date
    from {{ ref('stg_helpdesk__schedule_holidays') }} as holidays
    inner join days
        on days.date_day >= holidays.start_date
        and days.date_day <= holidays.end_date

),

seeded as (

    select
        schedules.schedule_id,
        seed_holidays.holiday_date
    from schedules
    cross join {{ ref('holidays') }} as seed_holidays
    where schedules.schedule_source = 'seed'
        and schedules.observes_holidays

),

listed as (

    select distinct listed.schedule_id, listed.holiday_date
    from (
        select * from exported
        union all
        select * from seeded
    ) as listed
    inner join schedules
        on listed.schedule_id = schedules.schedule_id

)

select * from listed
