{#
  Every day from var('calendar_start_date') to var('calendar_end_date'), inclusive. The range is
  configuration, not data, so the spine is the same whatever is loaded and unit tests can
  replace it with a few days.
#}
with

spine as (

    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('calendar_start_date') ~ "' as date)",
        dbt.dateadd('day', 1, "cast('" ~ var('calendar_end_date') ~ "' as date)")
    ) }}

),

days as (

    select cast(date_day as date) as date_day
    from spine

)

select * from days
