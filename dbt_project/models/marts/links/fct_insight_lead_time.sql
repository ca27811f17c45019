{#
  One row per shipped support-driven improvement: when support first saw the theme that drove it
  (the theme's first ticket), when the item was created and when it shipped, and the days
  between. days_insight_to_created is how long the product team took to act on a theme;
  days_created_to_shipped is delivery time.
#}
with

items as (

    select * from {{ ref('int_backlog_items_attributed') }}
    where is_improvement and is_support_driven

),

themes as (

    select theme_id, first_seen_at from {{ ref('dim_themes') }}

),

calendar as (

    select date_day, quarter_key from {{ ref('dim_calendar') }}

),

final as (

    select
        items.item_id,
        items.driving_theme_id as theme_id,
        themes.first_seen_at as theme_first_seen_at,
        items.created_at as item_created_at,
        items.shipped_at as item_shipped_at,
        calendar.quarter_key,
        {{ dbt.datediff('themes.first_seen_at', 'items.created_at', 'day') }} as days_insight_to_created,
        {{ dbt.datediff('items.created_at', 'items.shipped_at', 'day') }} as days_created_to_shipped,
        {{ dbt.datediff('themes.first_seen_at', 'items.shipped_at', 'day') }} as days_insight_to_shipped
    from items
    left join themes
        on items.driving_theme_id = themes.theme_id
    inner join calendar
        on {{ dbt.cast('items.shipped_at', 'date') }} = calendar.date_day

)

select * from final
