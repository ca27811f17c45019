{#
  One row per shipped support-driven improvement: when support saw the problem, when the item
  was created and when it shipped.

  theme_first_seen_at is the driving theme's first ticket ever; themes such as "withdrawal
  stuck" exist from the first day, so it says little about one fix. insight_at is when the rise
  that led to the item began: the week after the last "calm" week (tickets at or below the
  theme's trailing mean, fct_theme_weekly) in the insight_window_days before the item was
  created; the start of that window when every week in it was elevated; the item's creation when
  the week before it was calm. Lead times count from insight_at.
#}
with

items as (

    select * from {{ ref('int_backlog_items_attributed') }}
    where is_improvement and is_support_driven

),

themes as (

    select theme_id, first_seen_at from {{ ref('dim_themes') }}

),

weekly as (

    select theme_id, week_start_date, tickets, trailing_mean from {{ ref('fct_theme_weekly') }}

),

calendar as (

    select date_day, quarter_key from {{ ref('dim_calendar') }}

),

last_calm_week as (

    select
        items.item_id,
        max(weekly.week_start_date) as week_start_date
    from items
    inner join weekly
        on items.driving_theme_id = weekly.theme_id
        and {{ dbt.dateadd('day', 7, 'weekly.week_start_date') }} <= items.created_at
        and weekly.week_start_date >= {{ dbt.dateadd('day', -1 * var('insight_window_days'), 'items.created_at') }}
        and (weekly.trailing_mean is null or weekly.tickets <= weekly.trailing_mean)
    group by items.item_id

),

dated as (

    select
        items.item_id,
        items.driving_theme_id as theme_id,
        themes.first_seen_at as theme_first_seen_at,
        case
            when last_calm_week.week_start_date is null
                then {{ dbt.dateadd('day', -1 * var('insight_window_days'), 'items.created_at') }}
            when {{ dbt.dateadd('day', 7, 'last_calm_week.week_start_date') }} > items.created_at
                then items.created_at
            else {{ dbt.dateadd('day', 7, 'last_calm_week.week_start_date') }}
        end as raw_insight_at,
        items.created_at as item_created_at,
        items.shipped_at as item_shipped_at
    from items
    left join themes
        on items.driving_theme_id = themes.theme_id
    left join last_calm_week
        on items.item_id = last_calm_week.item_id

),

final as (

    select
        dated.item_id,
        dated.theme_id,
        dated.theme_first_seen_at,
        {# Never before the theme existed. #}
        cast(case
            when dated.theme_first_seen_at is not null and dated.raw_insight_at < dated.theme_first_seen_at
                then dated.theme_first_seen_at
            else dated.raw_insight_at
        end as {{ dbt.type_timestamp() }}) as insight_at,
        dated.item_created_at,
        dated.item_shipped_at,
        calendar.quarter_key
    from dated
    inner join calendar
        on {{ dbt.cast('dated.item_shipped_at', 'date') }} = calendar.date_day

)

select
    item_id,
    theme_id,
    theme_first_seen_at,
    insight_at,
    item_created_at,
    item_shipped_at,
    quarter_key,
    cast({{ dbt.datediff('insight_at', 'item_created_at', 'day') }} as {{ dbt.type_bigint() }}) as days_insight_to_created,
    cast({{ dbt.datediff('item_created_at', 'item_shipped_at', 'day') }} as {{ dbt.type_bigint() }}) as days_created_to_shipped,
    cast({{ dbt.datediff('insight_at', 'item_shipped_at', 'day') }} as {{ dbt.type_bigint() }}) as days_insight_to_shipped
from final
