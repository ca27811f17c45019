{#
  One row per shipped support-driven improvement and requester to tell that it is fixed: people
  whose tickets are in the item's accepted themes, created from link_lookback_days before the
  item was created until it shipped, or whose tickets the item cites explicitly.
#}
with

items as (

    select * from {{ ref('int_backlog_items_attributed') }}
    where is_improvement and is_support_driven

),

links as (

    select item_id, theme_id from {{ ref('int_theme_backlog_links_scored') }}
    where is_accepted

),

tickets as (

    select ticket_id, requester_id, theme_id, created_at
    from {{ ref('int_ticket_themes_enriched') }}

),

ticket_references as (

    select item_id, ticket_id from {{ ref('int_backlog_ticket_references_extracted') }}

),

in_themes as (

    select items.item_id, tickets.ticket_id
    from items
    inner join links
        on items.item_id = links.item_id
    inner join tickets
        on links.theme_id = tickets.theme_id
        and tickets.created_at >= {{ dbt.dateadd('day', -1 * var('link_lookback_days'), 'items.created_at') }}
        and tickets.created_at < items.shipped_at

),

cited as (

    select items.item_id, ticket_references.ticket_id
    from items
    inner join ticket_references
        on items.item_id = ticket_references.item_id

),

affected as (

    select item_id, ticket_id from in_themes
    union
    select item_id, ticket_id from cited

),

final as (

    select
        {{ surrogate_key(['affected.item_id', 'tickets.requester_id']) }} as close_the_loop_key,
        affected.item_id,
        items.driving_theme_id as theme_id,
        tickets.requester_id,
        count(*) as tickets,
        max(tickets.created_at) as last_ticket_at,
        items.shipped_at as item_shipped_at
    from affected
    inner join items
        on affected.item_id = items.item_id
    inner join tickets
        on affected.ticket_id = tickets.ticket_id
    where tickets.requester_id is not null
    group by affected.item_id, items.driving_theme_id, tickets.requester_id, items.shipped_at

)

select * from final
