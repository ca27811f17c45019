{#
  One row per calendar quarter in which improvements shipped: the support-driven share, its
  interval from link uncertainty, and how many of the quarter's links a person reviewed.

  share is support-driven improvements (at least one accepted link) / shipped improvements.
  expected_share is the mean of the share under the count's distribution
  (int_support_driven_counts_distributed: each improvement support-driven with its probability,
  all probabilities shifted together by the account's calibration uncertainty); share_low and
  share_high are that distribution's (1 - share_interval_level) / 2 and (1 + share_interval_level) / 2 quantiles
  over shipped improvements, widened to contain share. Reviewed links carry probability 1 or 0,
  so the interval narrows as people review. links counts the (theme, item) pairs with evidence
  or a decision on the quarter's shipped improvements, links_reviewed those a person confirmed
  or rejected (an item rejected as a whole rejects all its links).
#}
{%- set tail = (1 - var('share_interval_level')) / 2 -%}
with

items as (

    select * from {{ ref('int_improvements_shipped') }}

),

per_quarter as (

    select
        quarter_key,
        quarter_start_date,
        count(*) as shipped_items,
        sum(case when is_support_driven then 1 else 0 end) as support_driven_items
    from items
    group by quarter_key, quarter_start_date

),

expected as (

    {# The mean of the count's distribution (under the shared calibration shift when there is one). #}
    select quarter_key, sum(probability * support_driven_items) as expected_items
    from {{ ref('int_support_driven_counts_distributed') }}
    group by quarter_key

),

links as (

    select
        items.quarter_key,
        count(*) as links,
        sum(case when links.is_confirmed or links.is_rejected then 1 else 0 end) as links_reviewed
    from {{ ref('int_theme_backlog_links_scored') }} as links
    inner join items
        on links.item_id = items.item_id
    group by items.quarter_key

),

cumulative as (

    select
        quarter_key,
        support_driven_items,
        sum(probability) over (
            partition by quarter_key
            order by support_driven_items
            rows between unbounded preceding and current row
        ) as cdf
    from {{ ref('int_support_driven_counts_distributed') }}

),

quantiles as (

    {# The smallest count whose cumulative probability reaches each tail (1e-9 absorbs rounding). #}
    select
        quarter_key,
        min(case when cdf >= {{ tail }} - 1e-9 then support_driven_items end) as low_items,
        min(case when cdf >= {{ 1 - tail }} - 1e-9 then support_driven_items end) as high_items
    from cumulative
    group by quarter_key

),

shares as (

    select
        per_quarter.quarter_key,
        per_quarter.quarter_start_date,
        per_quarter.shipped_items,
        per_quarter.support_driven_items,
        {{ safe_divide('per_quarter.support_driven_items', 'per_quarter.shipped_items') }} as share,
        {{ safe_divide('expected.expected_items', 'per_quarter.shipped_items') }} as expected_share,
        {{ safe_divide('quantiles.low_items', 'per_quarter.shipped_items') }} as quantile_low,
        {{ safe_divide('quantiles.high_items', 'per_quarter.shipped_items') }} as quantile_high,
        coalesce(links.links, 0) as links,
        coalesce(links.links_reviewed, 0) as links_reviewed
    from per_quarter
    left join expected
        on per_quarter.quarter_key = expected.quarter_key
    left join quantiles
        on per_quarter.quarter_key = quantiles.quarter_key
    left join links
        on per_quarter.quarter_key = links.quarter_key

),

final as (

    select
        quarter_key,
        quarter_start_date,
        cast(shipped_items as {{ dbt.type_bigint() }}) as shipped_items,
        cast(support_driven_items as {{ dbt.type_bigint() }}) as support_driven_items,
        share,
        expected_share,
        case when quantile_low > share then share else quantile_low end as share_low,
        case when quantile_high < share then share else quantile_high end as share_high,
        cast({{ var('share_interval_level') }} as {{ type_double() }}) as interval_level,
        cast(links as {{ dbt.type_bigint() }}) as links,
        cast(links_reviewed as {{ dbt.type_bigint() }}) as links_reviewed
    from shares

)

select * from final
