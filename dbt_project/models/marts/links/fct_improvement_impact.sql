{#
  One row per shipped improvement: did the tickets of the themes it fixed fall after it shipped?

  For a support-driven item the themes are all its accepted links. before counts their tickets in
  the impact_window_days before shipping; after counts them in a window of the same length that
  starts impact_settle_days after shipping (a fix takes days to reach users). Weekly figures are
  those counts per week. z and the one-sided p-value of the fall come from the drop_z_score and
  drop_p_value macros (macros/drop_test.sql).

  A drop is claimed only when the item was linked to its themes without the after-shipping
  evidence (is_linked_before_shipping: otherwise the claim would be circular), the after window
  is complete (the data reach its end), the fall is at least impact_min_drop and
  p < impact_alpha. Items without a driving theme (roadmap work) get
  a row with no theme and never claim a drop. While the after window is still open (the item
  shipped less than impact_settle_days + impact_window_days before the data end) the after
  figures, change, z and p are null: there is nothing to compare yet.
#}
{%- set window = var('impact_window_days') -%}
{%- set settle = var('impact_settle_days') -%}
with

items as (

    select * from {{ ref('int_backlog_items_attributed') }}
    where is_improvement

),

links as (

    select item_id, theme_id from {{ ref('int_theme_backlog_links_scored') }}
    where is_accepted

),

tickets as (

    select ticket_id, theme_id, created_at
    from {{ ref('int_ticket_themes_enriched') }}
    where theme_id is not null

),

data_end as (

    select max(created_at) as last_ticket_at from {{ ref('int_ticket_themes_enriched') }}

),

themes as (

    select theme_id, theme_name from {{ ref('dim_themes') }}

),

counted as (

    select
        links.item_id,
        sum(case
            when tickets.created_at >= {{ dbt.dateadd('day', -window, 'items.shipped_at') }}
                and tickets.created_at < items.shipped_at then 1 else 0 end) as tickets_before,
        sum(case
            when tickets.created_at >= {{ dbt.dateadd('day', settle, 'items.shipped_at') }}
                and tickets.created_at < {{ dbt.dateadd('day', settle + window, 'items.shipped_at') }}
                then 1 else 0 end) as tickets_after
    from links
    inner join items
        on links.item_id = items.item_id
    left join tickets
        on links.theme_id = tickets.theme_id
    group by links.item_id

),

tested as (

    select
        items.item_id,
        items.summary as item_summary,
        items.driving_theme_id as theme_id,
        items.shipped_at,
        items.is_support_driven,
        items.is_linked_before_shipping,
        counted.tickets_before,
        counted.tickets_after,
        {{ dbt.dateadd('day', settle + window, 'items.shipped_at') }} <= data_end.last_ticket_at
            as is_window_complete,
        {{ drop_z_score('counted.tickets_before', 'counted.tickets_after') }} as z_score
    from items
    cross join data_end
    left join counted
        on items.item_id = counted.item_id

),

with_p as (

    select
        tested.*,
        {{ drop_p_value('tested.z_score') }} as raw_p_value
    from tested

),

final as (

    select
        tested.item_id,
        tested.item_summary,
        {{ drill_url('tracker_item_url', '{key}', 'tested.item_id') }} as item_url,
        tested.theme_id,
        themes.theme_name,
        tested.shipped_at,
        tested.is_support_driven,
        tested.is_linked_before_shipping,
        cast(tested.tickets_before as {{ dbt.type_bigint() }}) as tickets_before,
        cast(case when tested.is_window_complete then tested.tickets_after end as {{ dbt.type_bigint() }})
            as tickets_after,
        cast(tested.tickets_before as {{ type_double() }}) * 7.0 / {{ window }} as weekly_tickets_before,
        case when tested.is_window_complete then cast(tested.tickets_after as {{ type_double() }}) * 7.0 / {{ window }} end
            as weekly_tickets_after,
        case when tested.is_window_complete
            then {{ safe_divide('tested.tickets_after - tested.tickets_before', 'tested.tickets_before') }}
        end as change_pct,
        case when tested.is_window_complete then tested.z_score end as z_score,
        case when tested.is_window_complete then tested.raw_p_value end as p_value,
        tested.is_window_complete,
        coalesce(
            tested.is_linked_before_shipping
            and tested.is_window_complete
            and tested.tickets_before > 0
            and (tested.tickets_before - tested.tickets_after) >= {{ var('impact_min_drop') }} * tested.tickets_before
            and tested.raw_p_value < {{ var('impact_alpha') }},
            false
        ) as is_significant_drop
    from with_p as tested
    left join themes
        on tested.theme_id = themes.theme_id

)

select * from final
