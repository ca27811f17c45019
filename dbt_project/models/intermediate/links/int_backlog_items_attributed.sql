{#
  One row per backlog item that is not an epic: is it an improvement (a shipped item of an
  improvement_item_types type), is it support-driven (at least one accepted theme link), which
  theme drove it (the accepted link with the highest score, then the most referenced tickets),
  and the probability that it is support-driven (the highest score of its links that were not
  rejected; 0 without any), which the share's bounds use.
#}
with

items as (

    select * from {{ ref('stg_backlog__items') }}
    where item_type not in {{ sql_list(var('container_item_types')) }}

),

links as (

    select * from {{ ref('int_theme_backlog_links_scored') }}

),

ranked as (

    select
        item_id,
        theme_id,
        score,
        row_number() over (
            partition by item_id
            order by score desc, explicit_tickets desc, theme_id
        ) as accepted_rank
    from links
    where is_accepted

),

per_item as (

    select
        item_id,
        max(case when not is_rejected then score end) as support_probability,
        sum(case when is_accepted then 1 else 0 end) as accepted_links,
        sum(case when is_accepted_before_shipping then 1 else 0 end) as accepted_links_before_shipping
    from links
    group by item_id

),

final as (

    select
        items.item_id,
        items.item_type,
        items.summary,
        items.status,
        items.created_at,
        items.shipped_at,
        items.is_shipped,
        items.is_shipped and items.item_type in (
            {%- for t in var('improvement_item_types') %}'{{ t }}'{% if not loop.last %}, {% endif %}{% endfor -%}
        ) as is_improvement,
        coalesce(per_item.accepted_links, 0) > 0 as is_support_driven,
        coalesce(per_item.accepted_links, 0) as accepted_links,
        coalesce(per_item.accepted_links_before_shipping, 0) > 0 as is_linked_before_shipping,
        ranked.theme_id as driving_theme_id,
        ranked.score as driving_score,
        coalesce(per_item.support_probability, 0) as support_probability
    from items
    left join per_item
        on items.item_id = per_item.item_id
    left join ranked
        on items.item_id = ranked.item_id
        and ranked.accepted_rank = 1

)

select * from final
