{#
  One row per calendar quarter in which improvements shipped: how many shipped, how many
  support drove (an accepted theme link), the share, and bounds from link confidence.

  Each shipped improvement is support-driven with probability p (its support_probability); the
  number of support-driven items is then a sum of Bernoulli variables with mean sum(p) and
  variance sum(p(1-p)). The bounds are that mean -/+ 1.96 standard deviations, divided by the
  shipped count, clipped to [0, 1] and widened to contain the point estimate.
#}
with

items as (

    select * from {{ ref('int_backlog_items_attributed') }}
    where is_improvement

),

calendar as (

    select date_day, quarter_key, quarter_start_date from {{ ref('dim_calendar') }}

),

per_quarter as (

    select
        calendar.quarter_key,
        calendar.quarter_start_date,
        count(*) as shipped_items,
        cast(sum(case when items.is_support_driven then 1 else 0 end) as {{ dbt.type_bigint() }})
            as support_driven_items,
        sum(items.support_probability) as expected_support_driven_items,
        sum(items.support_probability * (1 - items.support_probability)) as support_driven_variance
    from items
    inner join calendar
        on {{ dbt.cast('items.shipped_at', 'date') }} = calendar.date_day
    group by calendar.quarter_key, calendar.quarter_start_date

),

shares as (

    select
        quarter_key,
        quarter_start_date,
        shipped_items,
        support_driven_items,
        {{ safe_divide('support_driven_items', 'shipped_items') }} as support_driven_share,
        {{ safe_divide('expected_support_driven_items - 1.96 * sqrt(support_driven_variance)', 'shipped_items') }}
            as raw_lower,
        {{ safe_divide('expected_support_driven_items + 1.96 * sqrt(support_driven_variance)', 'shipped_items') }}
            as raw_upper
    from per_quarter

),

final as (

    select
        quarter_key,
        quarter_start_date,
        shipped_items,
        support_driven_items,
        support_driven_share,
        case
            when raw_lower < 0 then 0.0
            when raw_lower > support_driven_share then support_driven_share
            else raw_lower
        end as support_driven_share_lower,
        case
            when raw_upper > 1 then 1.0
            when raw_upper < support_driven_share then support_driven_share
            else raw_upper
        end as support_driven_share_upper
    from shares

)

select * from final
