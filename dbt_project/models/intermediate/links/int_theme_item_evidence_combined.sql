{#
  One row per (theme, backlog item) pair with any evidence that the theme drove the item:
  explicit   the item's referenced tickets (int_backlog_ticket_references_extracted) that belong
             to the theme, and their share of all its referenced tickets that have a theme;
  semantic   the similarity of the item's text and the theme (stg_topics__theme_item_candidates);
  temporal   the theme's tickets in the link_lookback_days before the item was created: a theme
             with no volume then cannot have driven it; and whether the theme was rising then: its
             tickets in the link_rise_days before creation against the link_rise_baseline_days
             before those, as a z-score (the pain point that starts a fix builds up first);
  labels     the item carries one of the support_labels (e.g. customer-reported).
  Epics are containers, never linked.
#}
with

items as (

    select
        item_id,
        created_at,
        shipped_at,
        labels
    from {{ ref('stg_backlog__items') }}
    where item_type <> 'epic'

),

ticket_themes as (

    select ticket_id, theme_id, created_at
    from {{ ref('int_ticket_themes_enriched') }}
    where theme_id is not null

),

ticket_references as (

    select item_id, ticket_id
    from {{ ref('int_backlog_ticket_references_extracted') }}

),

explicit as (

    select
        ticket_references.item_id,
        ticket_themes.theme_id,
        count(*) as explicit_tickets
    from ticket_references
    inner join ticket_themes
        on ticket_references.ticket_id = ticket_themes.ticket_id
    group by ticket_references.item_id, ticket_themes.theme_id

),

explicit_totals as (

    select item_id, sum(explicit_tickets) as referenced_tickets
    from explicit
    group by item_id

),

semantic as (

    select theme_id, item_id, similarity, similarity_rank, theme_agreement
    from {{ ref('stg_topics__theme_item_candidates') }}

),

pairs as (

    select item_id, theme_id from explicit
    union
    select item_id, theme_id from semantic

),

temporal as (

    select
        pairs.item_id,
        pairs.theme_id,
        count(ticket_themes.ticket_id) as theme_tickets_before_created
    from pairs
    inner join items
        on pairs.item_id = items.item_id
    left join ticket_themes
        on pairs.theme_id = ticket_themes.theme_id
        and ticket_themes.created_at < items.created_at
        and ticket_themes.created_at >= {{ dbt.dateadd('day', -1 * var('link_lookback_days'), 'items.created_at') }}
    group by pairs.item_id, pairs.theme_id

),

rising as (

    {# Did the theme's daily rate rise before the item was created? Under "no change" each of the
       recent + baseline tickets falls in the recent window with probability
       recent_days / (recent_days + baseline_days): a binomial z-score, > 0 means rising. #}
    select
        pairs.item_id,
        pairs.theme_id,
        sum(case
            when ticket_themes.created_at >= {{ dbt.dateadd('day', -1 * var('link_rise_days'), 'items.created_at') }}
                and ticket_themes.created_at < items.created_at then 1 else 0 end) as tickets_recent,
        sum(case
            when ticket_themes.created_at >= {{ dbt.dateadd('day', -1 * (var('link_rise_days') + var('link_rise_baseline_days')), 'items.created_at') }}
                and ticket_themes.created_at < {{ dbt.dateadd('day', -1 * var('link_rise_days'), 'items.created_at') }}
                then 1 else 0 end) as tickets_baseline
    from pairs
    inner join items
        on pairs.item_id = items.item_id
    left join ticket_themes
        on pairs.theme_id = ticket_themes.theme_id
        and ticket_themes.created_at < items.created_at
        and ticket_themes.created_at >= {{ dbt.dateadd('day', -1 * (var('link_rise_days') + var('link_rise_baseline_days')), 'items.created_at') }}
    group by pairs.item_id, pairs.theme_id

),

shipping as (

    {# For a shipped item: did its candidate theme's volume fall after it shipped (same windows as
       fct_improvement_impact)? z > 0 means fewer tickets after than before. #}
    select
        pairs.item_id,
        pairs.theme_id,
        sum(case
            when ticket_themes.created_at >= {{ dbt.dateadd('day', -1 * var('impact_window_days'), 'items.shipped_at') }}
                and ticket_themes.created_at < items.shipped_at then 1 else 0 end) as tickets_before_shipped,
        sum(case
            when ticket_themes.created_at >= {{ dbt.dateadd('day', var('impact_settle_days'), 'items.shipped_at') }}
                and ticket_themes.created_at < {{ dbt.dateadd('day', var('impact_settle_days') + var('impact_window_days'), 'items.shipped_at') }}
                then 1 else 0 end) as tickets_after_shipped
    from pairs
    inner join items
        on pairs.item_id = items.item_id
    left join ticket_themes
        on pairs.theme_id = ticket_themes.theme_id
    where items.shipped_at is not null
    group by pairs.item_id, pairs.theme_id

),

final as (

    select
        {{ surrogate_key(['pairs.theme_id', 'pairs.item_id']) }} as link_key,
        pairs.theme_id,
        pairs.item_id,
        coalesce(explicit.explicit_tickets, 0) as explicit_tickets,
        coalesce(explicit_totals.referenced_tickets, 0) as item_referenced_tickets,
        coalesce({{ safe_divide('explicit.explicit_tickets', 'explicit_totals.referenced_tickets') }}, 0)
            as explicit_share,
        semantic.similarity,
        semantic.similarity_rank,
        semantic.theme_agreement,
        temporal.theme_tickets_before_created,
        coalesce({{ rise_z_score('rising.tickets_recent', 'rising.tickets_baseline',
                                 var('link_rise_days'), var('link_rise_baseline_days')) }}, 0)
            as rise_before_created_z,
        coalesce({{ drop_z_score('shipping.tickets_before_shipped', 'shipping.tickets_after_shipped') }}, 0)
            as drop_after_shipped_z,
        (
            {%- for label in var('support_labels') %}
            coalesce(items.labels, '') like '%"{{ label }}"%' or
            {%- endfor %}
            false
        ) as has_support_label
    from pairs
    inner join items
        on pairs.item_id = items.item_id
    inner join temporal
        on pairs.item_id = temporal.item_id
        and pairs.theme_id = temporal.theme_id
    left join explicit
        on pairs.item_id = explicit.item_id
        and pairs.theme_id = explicit.theme_id
    left join explicit_totals
        on pairs.item_id = explicit_totals.item_id
    left join semantic
        on pairs.item_id = semantic.item_id
        and pairs.theme_id = semantic.theme_id
    left join rising
        on pairs.item_id = rising.item_id
        and pairs.theme_id = rising.theme_id
    left join shipping
        on pairs.item_id = shipping.item_id
        and pairs.theme_id = shipping.theme_id

)

select * from final
