{#
  One row per shipped improvement (a backlog item that fixes or improves the product and has
  shipped), with the calendar quarter it shipped in, whether it is support-driven (at least one
  accepted link) and the probability that it is (support_probability). The share, its interval
  and the review queue all count per quarter from these rows.
#}
with

items as (

    select * from {{ ref('int_backlog_items_attributed') }}

),

calendar as (

    select date_day, quarter_key, quarter_start_date from {{ ref('dim_calendar') }}

),

shipped as (

    select
        items.item_id,
        calendar.quarter_key,
        calendar.quarter_start_date,
        items.is_support_driven,
        items.support_probability
    from items
    inner join calendar
        on {{ dbt.cast('items.shipped_at', 'date') }} = calendar.date_day
    where items.is_improvement

)

select * from shipped
