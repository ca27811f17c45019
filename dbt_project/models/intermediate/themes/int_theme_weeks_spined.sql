{#
  One row per theme and week, from the theme's first week to the last week with any ticket,
  weeks without tickets included (zero), with tickets, CSAT and first response of that week.
#}
with

tickets as (

    select * from {{ ref('int_ticket_themes_enriched') }}

),

weeks as (

    select distinct week_start_date
    from {{ ref('dim_calendar') }}
    where week_start_date between (select min(created_week) from tickets)
                              and (select max(created_week) from tickets)

),

themes as (

    select theme_id, min(created_week) as first_week
    from tickets
    where theme_id is not null
    group by theme_id

),

weekly_totals as (

    select created_week, count(*) as all_tickets
    from tickets
    group by created_week

),

theme_weekly as (

    select
        theme_id,
        created_week,
        count(*) as tickets,
        avg(csat_score) as csat_avg,
        count(csat_score) as csat_responses,
        {{ percentile_cont('first_response_minutes', 0.5) }} as median_first_response_minutes
    from tickets
    where theme_id is not null
    group by theme_id, created_week

),

final as (

    select
        themes.theme_id,
        weeks.week_start_date,
        coalesce(theme_weekly.tickets, 0) as tickets,
        coalesce(weekly_totals.all_tickets, 0) as all_tickets,
        theme_weekly.csat_avg,
        coalesce(theme_weekly.csat_responses, 0) as csat_responses,
        theme_weekly.median_first_response_minutes
    from themes
    inner join weeks
        on weeks.week_start_date >= themes.first_week
    left join theme_weekly
        on themes.theme_id = theme_weekly.theme_id
        and weeks.week_start_date = theme_weekly.created_week
    left join weekly_totals
        on weeks.week_start_date = weekly_totals.created_week

)

select * from final
