{#
  One row per (theme, backlog item) pair with any evidence: explicit references, semantic
  similarity, or a human review. is_accepted says whether the link counts (see
  int_theme_backlog_links_scored); rejected pairs stay visible with score 0 so a reviewer sees
  what was rejected.
#}
with

links as (

    select * from {{ ref('int_theme_backlog_links_scored') }}

),

items as (

    select * from {{ ref('stg_backlog__items') }}

),

themes as (

    select theme_id, theme_name from {{ ref('dim_themes') }}

),

final as (

    select
        links.link_key,
        links.theme_id,
        themes.theme_name,
        links.item_id,
        items.summary as item_summary,
        {{ drill_url('tracker_item_url', '{key}', 'links.item_id') }} as item_url,
        items.item_type,
        items.status as item_status,
        items.created_at as item_created_at,
        items.shipped_at as item_shipped_at,
        links.link_type,
        links.score,
        links.evidence,
        links.explicit_tickets,
        links.similarity,
        links.theme_tickets_before_created,
        links.rise_before_created_z,
        links.drop_after_shipped_z,
        links.component_fix_rate,
        links.component_theme_share,
        links.sibling_fixes,
        links.lookalike_similarity,
        links.lookalike_item_id,
        links.is_confirmed,
        links.is_rejected,
        links.is_accepted
    from links
    inner join items
        on links.item_id = items.item_id
    left join themes
        on links.theme_id = themes.theme_id

)

select * from final
