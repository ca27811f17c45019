{#
  The open intervals of each schedule in force, by ISO day of week (1 = Monday ... 7 = Sunday),
  in minutes after local midnight of the schedule's time zone.

  Exported schedules (Zendesk): each interval's start_time and end_time count minutes since
  Sunday 00:00 and never span two days (Zendesk API reference, Schedules: "Can't span calendar
  days"), so the day is start_time // 1440 (0 = Sunday). Seed schedules: schedule_hours.
  The JSON is read by the dispatched macros of macros/json.sql.
#}
{%- set interval_fields = {'start_time': 'INTEGER', 'end_time': 'INTEGER'} -%}
with

schedules as (

    select schedule_id, schedule_source from {{ ref('int_schedules_resolved') }}

),

exported_intervals as (

    select
        schedule_id,
        {{ json_record_elements('intervals', interval_fields) }} as interval_json
    from {{ ref('stg_helpdesk__schedules') }}

),

exported_hours as (

    select
        schedule_id,
        cast(floor({{ record_field('interval_json', 'start_time', interval_fields) }} / 1440) as {{ dbt.type_int() }})
            as week_day,
        {{ record_field('interval_json', 'start_time', interval_fields) }} as start_time,
        {{ record_field('interval_json', 'end_time', interval_fields) }} as end_time
    from exported_intervals
    where {{ record_field('interval_json', 'start_time', interval_fields) }} is not null
        and {{ record_field('interval_json', 'end_time', interval_fields) }}
            > {{ record_field('interval_json', 'start_time', interval_fields) }}

),

hours as (

    select
        schedule_id,
        case when week_day = 0 then 7 else week_day end as iso_day_of_week,
        start_time - week_day * 1440 as opens_minute,
        end_time - week_day * 1440 as closes_minute,
        'export' as schedule_source
    from exported_hours

    union all

    select
        schedule_id,
        iso_day_of_week,
        {{ clock_text_to_minutes('opens_at') }} as opens_minute,
        {{ clock_text_to_minutes('closes_at') }} as closes_minute,
        'seed' as schedule_source
    from {{ ref('schedule_hours') }}

),

in_force as (

    select hours.schedule_id, hours.iso_day_of_week, hours.opens_minute, hours.closes_minute
    from hours
    inner join schedules
        on hours.schedule_id = schedules.schedule_id
        and hours.schedule_source = schedules.schedule_source

)

select * from in_force
