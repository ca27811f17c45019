{#
  One row per (theme, backlog item) pair with any evidence that the theme drove the item:
  explicit   the item's referenced tickets (int_backlog_ticket_references_extracted) that belong
             to the theme, and their share of all its referenced tickets that have a theme;
  semantic   the similarity of the item's text and the theme (stg_topics__theme_item_candidates);
  temporal   the theme's tickets in the link_lookback_days before the item was created: a theme
             with no volume then cannot have driven it; and whether the theme was rising then: its
             tickets in the link_rise_days before creation against the link_rise_baseline_days
             before those, as a z-score (the pain point that starts a fix builds up first);
  labels     the item carries one of the support_labels (e.g. customer-reported), or one of the
             planned_labels that mark planned roadmap work (e.g. roadmap, okr);
  component  how often the other items with the item's tracker components are explicit fixes
             (component_fix_rate), and of this theme (component_theme_share): an engineer's
             "Ledger credit job drops events" in component Deposits, citing no ticket, most
             likely fixes the theme that the Deposits items citing tickets fix. Learnt from the
             explicit links alone; and whether another item of the same components, created
             within link_sibling_days of this one, is an explicit fix of this theme
             (sibling_fixes): a pain point that gets fixed often gets several items at once, and
             only some of them cite tickets;
  lookalike  the item's most similar other item (stg_topics__item_neighbours) that is an explicit
             fix of the theme, and their similarity: an item that reads like an earlier fix of a
             pain point most likely fixes it again ("OOM in KlineChartView on tablets" after
             "OOM in KlineChartView" cited crash tickets);
  shipping   for a shipped item, whether the theme's tickets fell after it shipped (z-score; 0
             until the window after shipping is complete).
  Epics are containers, never linked.
#}
with

items as (

    select
        item_id,
        created_at,
        shipped_at,
        labels,
        nullif(components, '[]') as components
    from {{ ref('stg_backlog__items') }}
    where item_type not in {{ sql_list(var('container_item_types')) }}

),

ticket_themes as (

    select ticket_id, theme_id, created_at
    from {{ ref('int_ticket_themes_enriched') }}
    where theme_id is not null

),

data_end as (

    select max(created_at) as last_ticket_at from ticket_themes

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

{# An item is an explicit fix of a theme when at least half of its referenced tickets (that have
   a theme) are in it; a stray ticket of another theme does not make it one. Components are
   compared as the item's whole component list (most items have one). #}
explicit_fixes as (

    select explicit.item_id, explicit.theme_id
    from explicit
    inner join explicit_totals
        on explicit.item_id = explicit_totals.item_id
    where 2 * explicit.explicit_tickets >= explicit_totals.referenced_tickets

),

fixed_items as (

    select distinct item_id
    from explicit_fixes

),

component_items as (

    select
        items.components,
        count(*) as component_items,
        count(fixed_items.item_id) as component_fixes
    from items
    left join fixed_items
        on items.item_id = fixed_items.item_id
    where items.components is not null
    group by items.components

),

component_theme_fixes as (

    select items.components, explicit_fixes.theme_id, count(*) as theme_fixes
    from explicit_fixes
    inner join items
        on explicit_fixes.item_id = items.item_id
    where items.components is not null
    group by items.components, explicit_fixes.theme_id

),

{# Explicit fixes of a theme among the other items of the same components created within
   link_sibling_days of the item: the same fix cycle (e.g. a crash ticket citing tickets and the
   engineer's "OOM in KlineChartView" opened the same week). #}
sibling_fixes as (

    select items.item_id, explicit_fixes.theme_id, count(*) as sibling_fixes
    from items
    inner join items as siblings
        on items.components = siblings.components
        and items.item_id <> siblings.item_id
    inner join explicit_fixes
        on siblings.item_id = explicit_fixes.item_id
    where siblings.created_at >= {{ dbt.dateadd('day', -1 * var('link_sibling_days'), 'items.created_at') }}
        and siblings.created_at <= {{ dbt.dateadd('day', var('link_sibling_days'), 'items.created_at') }}
    group by items.item_id, explicit_fixes.theme_id

),

{# The item's most similar other item that is an explicit fix of the theme (neighbours are
   kept down to a cosine of 0.3, the ten most similar per item). #}
lookalike_ranked as (

    select
        neighbours.item_id,
        explicit_fixes.theme_id,
        neighbours.neighbour_id,
        neighbours.similarity,
        row_number() over (
            partition by neighbours.item_id, explicit_fixes.theme_id
            order by neighbours.similarity desc, neighbours.neighbour_id
        ) as lookalike_rank
    from {{ ref('stg_topics__item_neighbours') }} as neighbours
    inner join items
        on neighbours.item_id = items.item_id
    inner join explicit_fixes
        on neighbours.neighbour_id = explicit_fixes.item_id
    where neighbours.neighbour_id <> neighbours.item_id

),

lookalike as (

    select item_id, theme_id, neighbour_id as lookalike_item_id, similarity as lookalike_similarity
    from lookalike_ranked
    where lookalike_rank = 1

),

semantic as (

    select theme_id, item_id, similarity, similarity_rank, theme_agreement
    from {{ ref('stg_topics__theme_item_candidates') }}

),

pairs as (

    select item_id, theme_id from explicit
    union
    select item_id, theme_id from semantic
    union
    {# Themes that other items of the item's components fix explicitly, even when the item's
       text is not among its most similar themes. #}
    select items.item_id, component_theme_fixes.theme_id
    from items
    inner join component_theme_fixes
        on items.components = component_theme_fixes.components
    union
    {# Themes that the item's look-alike items fix explicitly. #}
    select item_id, theme_id from lookalike

),

{%- set lookback_start = dbt.dateadd('day', -1 * var('link_lookback_days'), 'items.created_at') -%}
{%- set rise_start = dbt.dateadd('day', -1 * var('link_rise_days'), 'items.created_at') -%}
{%- set baseline_start = dbt.dateadd('day', -1 * (var('link_rise_days') + var('link_rise_baseline_days')), 'items.created_at') -%}
{%- set before_shipped_start = dbt.dateadd('day', -1 * var('impact_window_days'), 'items.shipped_at') -%}
{%- set after_shipped_start = dbt.dateadd('day', var('impact_settle_days'), 'items.shipped_at') -%}
{%- set after_shipped_end = dbt.dateadd('day', var('impact_settle_days') + var('impact_window_days'), 'items.shipped_at') -%}
temporal as (

    {# The theme's tickets in each window around the item, in one pass over its tickets:
       lookback   the link_lookback_days before creation (no volume then: it cannot have driven it);
       recent and baseline   the link_rise_days before creation and the link_rise_baseline_days
                  before those. Under "no change" each of their tickets falls in the recent window
                  with probability recent_days / (recent_days + baseline_days): a binomial z-score,
                  > 0 means the theme was rising when the item was created;
       before and after shipping   the same windows as fct_improvement_impact (null when not shipped). #}
    select
        pairs.item_id,
        pairs.theme_id,
        cast(sum(case when ticket_themes.created_at >= {{ lookback_start }}
            and ticket_themes.created_at < items.created_at then 1 else 0 end) as {{ dbt.type_bigint() }}) as theme_tickets_before_created,
        cast(sum(case when ticket_themes.created_at >= {{ rise_start }}
            and ticket_themes.created_at < items.created_at then 1 else 0 end) as {{ dbt.type_bigint() }}) as tickets_recent,
        cast(sum(case when ticket_themes.created_at >= {{ baseline_start }}
            and ticket_themes.created_at < {{ rise_start }} then 1 else 0 end) as {{ dbt.type_bigint() }}) as tickets_baseline,
        cast(sum(case when ticket_themes.created_at >= {{ before_shipped_start }}
            and ticket_themes.created_at < items.shipped_at then 1 else 0 end) as {{ dbt.type_bigint() }}) as tickets_before_shipped,
        cast(sum(case when ticket_themes.created_at >= {{ after_shipped_start }}
            and ticket_themes.created_at < {{ after_shipped_end }} then 1 else 0 end) as {{ dbt.type_bigint() }}) as tickets_after_shipped
    from pairs
    inner join items
        on pairs.item_id = items.item_id
    left join ticket_themes
        on pairs.theme_id = ticket_themes.theme_id
        {#- only the tickets inside some window: not the theme's whole history for every pair #}
        and ticket_themes.created_at >= least({{ lookback_start }}, {{ baseline_start }})
        and ticket_themes.created_at < greatest(items.created_at, coalesce({{ after_shipped_end }}, items.created_at))
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
        coalesce(temporal.theme_tickets_before_created, 0) as theme_tickets_before_created,
        coalesce({{ rise_z_score('temporal.tickets_recent', 'temporal.tickets_baseline',
                                 var('link_rise_days'), var('link_rise_baseline_days')) }}, 0)
            as rise_before_created_z,
        {# 0 until the after-shipping window is complete, as fct_improvement_impact does: a window
           still open has fewer tickets only because it is still open. #}
        case
            when {{ after_shipped_end }} <= data_end.last_ticket_at
            then coalesce({{ drop_z_score('temporal.tickets_before_shipped', 'temporal.tickets_after_shipped') }}, 0)
            else 0
        end as drop_after_shipped_z,
        {{ has_label('items.labels', var('support_labels')) }} as has_support_label,
        {{ has_label('items.labels', var('planned_labels')) }} as has_planned_label,
        items.components is not null as has_components,
        {# The item's tracker components, learnt from the other items (the item itself left out):
           component_fix_rate     the share of the component's items that are explicit fixes
                                  (of any theme): high for a component of fixes, low for one of
                                  roadmap work;
           component_theme_share  the share of the component's explicit fixes that fix this theme. #}
        coalesce({{ safe_divide(
            'component_items.component_fixes - case when own_fixed_item.item_id is not null then 1 else 0 end',
            'component_items.component_items - 1') }}, 0) as component_fix_rate,
        coalesce({{ safe_divide(
            'coalesce(component_theme_fixes.theme_fixes, 0) - case when own_fix.item_id is not null then 1 else 0 end',
            'component_items.component_fixes - case when own_fixed_item.item_id is not null then 1 else 0 end') }}, 0) as component_theme_share,
        coalesce(sibling_fixes.sibling_fixes, 0) as sibling_fixes,
        coalesce(lookalike.lookalike_similarity, 0) as lookalike_similarity,
        lookalike.lookalike_item_id
    from pairs
    inner join items
        on pairs.item_id = items.item_id
    cross join data_end
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
    left join component_items
        on items.components = component_items.components
    left join component_theme_fixes
        on items.components = component_theme_fixes.components
        and pairs.theme_id = component_theme_fixes.theme_id
    left join sibling_fixes
        on pairs.item_id = sibling_fixes.item_id
        and pairs.theme_id = sibling_fixes.theme_id
    left join lookalike
        on pairs.item_id = lookalike.item_id
        and pairs.theme_id = lookalike.theme_id
    left join fixed_items as own_fixed_item
        on pairs.item_id = own_fixed_item.item_id
    left join explicit_fixes as own_fix
        on pairs.item_id = own_fix.item_id
        and pairs.theme_id = own_fix.theme_id

)

select * from final
