{#
  One row per (theme, item) link of a shipped improvement: how much a person's decision on it
  would move its quarter's support-driven share, and its place in the quarter's review queue.

  The rule of `closedloop review links` (closedloop/review/effects.py): with n improvements
  shipped in the quarter and a accepted links on the item, flipping the link moves the share by
  delta = -1/n (accepted, the item's only accepted link), +1/n (not accepted, the item has none)
  or 0 (another accepted link decides the item either way); uncertainty = 1 - |2 score - 1|
  (1 at 0.5, 0 at 0 or 1 and once a person decided); effect = |delta| x uncertainty. queue_rank
  1 is the link to review first: largest effect, then highest score, then link id.
#}
with

items as (

    select quarter_key, item_id from {{ ref('int_improvements_shipped') }}

),

shipped as (

    select quarter_key, count(*) as shipped_items
    from items
    group by quarter_key

),

links as (

    select
        items.quarter_key,
        shipped.shipped_items,
        links.theme_id,
        links.item_id,
        links.link_type,
        links.score,
        links.is_accepted,
        links.is_confirmed,
        links.is_rejected,
        sum(case when links.is_accepted then 1 else 0 end) over (partition by links.item_id) as accepted_on_item
    from {{ ref('int_theme_backlog_links_scored') }} as links
    inner join items
        on links.item_id = items.item_id
    inner join shipped
        on items.quarter_key = shipped.quarter_key

),

effects as (

    select
        *,
        case
            when is_accepted and accepted_on_item = 1 then -1.0 / shipped_items
            when not is_accepted and accepted_on_item = 0 then 1.0 / shipped_items
            else 0.0
        end as delta,
        case
            when is_confirmed or is_rejected then 0.0
            when 1 - abs(2 * score - 1) < 0 then 0.0
            else 1 - abs(2 * score - 1)
        end as uncertainty
    from links

),

final as (

    select
        {{ dbt.concat(['theme_id', "':'", 'item_id']) }} as link_id,
        quarter_key,
        theme_id,
        item_id,
        link_type,
        cast(score as {{ type_double() }}) as score,
        is_accepted,
        is_confirmed or is_rejected as is_reviewed,
        cast(delta as {{ type_double() }}) as delta,
        cast(uncertainty as {{ type_double() }}) as uncertainty,
        cast(abs(delta) * uncertainty as {{ type_double() }}) as effect,
        cast(row_number() over (
            partition by quarter_key
            order by abs(delta) * uncertainty desc, score desc, {{ dbt.concat(['theme_id', "':'", 'item_id']) }}
        ) as {{ dbt.type_bigint() }}) as queue_rank
    from effects

)

select * from final
