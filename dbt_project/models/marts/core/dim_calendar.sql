{#
  One row per calendar day, with the week, month and quarter keys the dashboards and the
  quarterly report group by. Weeks are ISO weeks (Monday start; the week belongs to the year of
  its Thursday).
#}
with

days as (

    select date_day from {{ ref('int_calendar_days_spined') }}

),

holidays as (

    select holiday_date, min(holiday_name) as holiday_name
    from {{ ref('holidays') }}
    group by holiday_date

),

parts as (

    select
        days.date_day,
        {{ iso_day_of_week('days.date_day') }} as iso_day_of_week,
        cast({{ dbt.date_trunc('month', 'days.date_day') }} as date) as month_start_date,
        cast({{ dbt.date_trunc('quarter', 'days.date_day') }} as date) as quarter_start_date,
        cast({{ dbt.date_trunc('year', 'days.date_day') }} as date) as year_start_date,
        holidays.holiday_name
    from days
    left join holidays
        on days.date_day = holidays.holiday_date

),

weeks as (

    select
        *,
        cast({{ dbt.dateadd('day', '1 - iso_day_of_week', 'date_day') }} as date) as week_start_date,
        cast({{ dbt.dateadd('day', '4 - iso_day_of_week', 'date_day') }} as date) as week_thursday
    from parts

),

keyed as (

    select
        date_day,
        iso_day_of_week,
        iso_day_of_week >= 6 as is_weekend,
        holiday_name is not null as is_holiday,
        holiday_name,

        week_start_date,
        cast(extract(year from week_thursday) as {{ dbt.type_int() }}) as iso_year,
        cast(
            floor({{ dbt.datediff(dbt.date_trunc('year', 'week_thursday'), 'week_thursday', 'day') }} / 7) + 1
            as {{ dbt.type_int() }}
        ) as iso_week_of_year,

        month_start_date,
        cast(extract(month from date_day) as {{ dbt.type_int() }}) as month_of_year,

        quarter_start_date,
        cast(extract(quarter from date_day) as {{ dbt.type_int() }}) as quarter_of_year,

        year_start_date,
        cast(extract(year from date_day) as {{ dbt.type_int() }}) as calendar_year
    from weeks

),

labelled as (

    select
        date_day,
        iso_day_of_week,
        is_weekend,
        is_holiday,
        holiday_name,
        week_start_date,
        {{ dbt.concat([
            dbt.cast('iso_year', dbt.type_string()),
            "'-W'",
            "lpad(" ~ dbt.cast('iso_week_of_year', dbt.type_string()) ~ ", 2, '0')"
        ]) }} as week_key,
        iso_year,
        iso_week_of_year,
        month_start_date,
        {{ dbt.concat([
            dbt.cast('calendar_year', dbt.type_string()),
            "'-'",
            "lpad(" ~ dbt.cast('month_of_year', dbt.type_string()) ~ ", 2, '0')"
        ]) }} as month_key,
        month_of_year,
        quarter_start_date,
        {{ dbt.concat([
            dbt.cast('calendar_year', dbt.type_string()),
            "'Q'",
            dbt.cast('quarter_of_year', dbt.type_string())
        ]) }} as quarter_key,
        quarter_of_year,
        year_start_date,
        calendar_year
    from keyed

)

select * from labelled
