{#
  One row per (theme, backlog item) pair with evidence, scored and reviewed.

  confidence is a logistic function of the evidence (explicit share and presence, semantic
  similarity, the theme's volume and its rise before the item was created, support labels, how
  often the item's tracker component holds explicit fixes and of which theme, whether an
  explicit fix of the theme in the same component was opened within days of it, how closely it
  reads like another item that is an explicit fix of the theme, the fall of its
  volume after the item shipped), with the
  coefficients in the link_confidence var (link_confidence_without_components for items that have
  no tracker components). They were fitted against the demo generator's planted
  driving themes (bench/link_calibration.py), so confidence reads as the probability that the
  theme drove the item on data like the demo's; DECISIONS.md says how to refit them.

  pre_ship_confidence is the same function without the after-shipping evidence (did the theme's
  volume fall after the item shipped?); is_accepted_before_shipping uses it, so that the impact
  mart never claims a drop for a link that exists only because of that drop.

  Human review (stg_review__link_decisions: review.link_decisions, then the link_reviews seed)
  wins: a confirmed pair counts with confidence 1, a rejected pair (or every pair of an item
  rejected with theme_id '*') never counts.
#}
{#- Items with tracker components are scored with link_confidence; items without any with
    link_confidence_without_components, fitted on the same demos without the component terms (the
    full set would treat every such item like one in a component of roadmap work). -#}
{%- set w = var('link_confidence') -%}
{%- set w0 = var('link_confidence_without_components') -%}
{%- set before_shipping_logit -%}
case when evidence.has_components then {{ link_logit(w) }} else {{ link_logit(w0) }} end
{%- endset -%}
{%- set logit -%}
case when evidence.has_components then {{ link_logit(w, after_shipping=true) }} else {{ link_logit(w0, after_shipping=true) }} end
{%- endset -%}
with

evidence as (

    select * from {{ ref('int_theme_item_evidence_combined') }}

),

reviews as (

    select item_id, theme_id, decision, reviewer
    from {{ ref('stg_review__link_decisions') }}

),

confirmed as (

    select item_id, theme_id, min(reviewer) as reviewer
    from reviews
    where decision = 'confirmed'
    group by item_id, theme_id

),

rejected as (

    select distinct item_id, theme_id
    from reviews
    where decision = 'rejected'

),

reviewed_pairs as (

    {# A confirmed pair may have no automatic evidence at all: it still becomes a link. #}
    select item_id, theme_id from evidence
    union
    select item_id, theme_id from confirmed

),

scored as (

    select
        reviewed_pairs.item_id,
        reviewed_pairs.theme_id,
        coalesce(evidence.explicit_tickets, 0) as explicit_tickets,
        coalesce(evidence.item_referenced_tickets, 0) as item_referenced_tickets,
        coalesce(evidence.explicit_share, 0) as explicit_share,
        evidence.similarity,
        evidence.similarity_rank,
        evidence.theme_agreement,
        coalesce(evidence.theme_tickets_before_created, 0) as theme_tickets_before_created,
        coalesce(evidence.rise_before_created_z, 0) as rise_before_created_z,
        coalesce(evidence.drop_after_shipped_z, 0) as drop_after_shipped_z,
        coalesce(evidence.has_support_label, false) as has_support_label,
        coalesce(evidence.has_planned_label, false) as has_planned_label,
        coalesce(evidence.component_fix_rate, 0) as component_fix_rate,
        coalesce(evidence.component_theme_share, 0) as component_theme_share,
        coalesce(evidence.sibling_fixes, 0) as sibling_fixes,
        coalesce(evidence.lookalike_similarity, 0) as lookalike_similarity,
        evidence.lookalike_item_id,
        1.0 / (1.0 + exp(-({{ logit }}))) as model_confidence,
        1.0 / (1.0 + exp(-({{ before_shipping_logit }}))) as pre_ship_confidence,
        confirmed.item_id is not null as is_confirmed,
        confirmed.reviewer,
        (rejected_pair.item_id is not null or rejected_item.item_id is not null) as is_rejected
    from reviewed_pairs
    left join evidence
        on reviewed_pairs.item_id = evidence.item_id
        and reviewed_pairs.theme_id = evidence.theme_id
    left join confirmed
        on reviewed_pairs.item_id = confirmed.item_id
        and reviewed_pairs.theme_id = confirmed.theme_id
    left join rejected as rejected_pair
        on reviewed_pairs.item_id = rejected_pair.item_id
        and reviewed_pairs.theme_id = rejected_pair.theme_id
    left join rejected as rejected_item
        on reviewed_pairs.item_id = rejected_item.item_id
        and rejected_item.theme_id = '*'

),

ranked as (

    {# Without explicit evidence or a review, an item is attributed to its single most likely
       theme: themes of the same component or neighbouring subjects otherwise all pass the
       threshold together (one semantic link per item; explicit and confirmed links are kept). #}
    select
        scored.*,
        row_number() over (
            partition by item_id
            order by case when is_rejected then 1 else 0 end, model_confidence desc, theme_id
        ) as item_rank,
        row_number() over (
            partition by item_id
            order by case when is_rejected then 1 else 0 end, pre_ship_confidence desc, theme_id
        ) as item_rank_before_shipping
    from scored

),

{#- The item's cited tickets make this theme a link of its own, beside its most likely theme. -#}
{%- set cites_theme = "explicit_tickets > 0 and explicit_share >= " ~ var('link_min_explicit_share') %}
final as (

    select
        {{ surrogate_key(['theme_id', 'item_id']) }} as link_key,
        theme_id,
        item_id,
        case
            when is_confirmed then 'human'
            when explicit_tickets > 0 then 'explicit'
            else 'semantic'
        end as link_type,
        case
            when is_rejected then 0.0
            when is_confirmed then 1.0
            else model_confidence
        end as score,
        model_confidence,
        pre_ship_confidence,
        explicit_tickets,
        item_referenced_tickets,
        explicit_share,
        similarity,
        similarity_rank,
        theme_tickets_before_created,
        rise_before_created_z,
        drop_after_shipped_z,
        has_support_label,
        has_planned_label,
        component_fix_rate,
        component_theme_share,
        sibling_fixes,
        lookalike_similarity,
        lookalike_item_id,
        is_confirmed,
        is_rejected,
        case
            when is_rejected then false
            when is_confirmed then true
            else model_confidence >= {{ var('link_confidence_threshold') }}
                and theme_tickets_before_created >= {{ var('link_min_tickets_before') }}
                and (({{ cites_theme }}) or item_rank = 1)
        end as is_accepted,
        {# The same decision without the after-shipping evidence: impact is only claimed for links
           made without looking at what happened after the item shipped. #}
        case
            when is_rejected then false
            when is_confirmed then true
            else pre_ship_confidence >= {{ var('link_confidence_threshold') }}
                and theme_tickets_before_created >= {{ var('link_min_tickets_before') }}
                and (({{ cites_theme }}) or item_rank_before_shipping = 1)
        end as is_accepted_before_shipping,
        {{ dbt.concat([
            "case when is_confirmed then " ~ dbt.concat(["'confirmed by '", "coalesce(reviewer, 'a reviewer')", "'; '"]) ~ " else '' end",
            "case when is_rejected then 'rejected in review; ' else '' end",
            "case when explicit_tickets > 0 then " ~ dbt.concat([dbt.cast("explicit_tickets", api.Column.translate_type("string")), "' of '", dbt.cast("item_referenced_tickets", api.Column.translate_type("string")), "' referenced tickets in the theme; '"]) ~ " else '' end",
            "case when similarity is not null then " ~ dbt.concat(["'similarity '", round_text("similarity", 2), "' (rank '", dbt.cast("similarity_rank", api.Column.translate_type("string")), "'); '"]) ~ " else '' end",
            dbt.cast("theme_tickets_before_created", api.Column.translate_type("string")),
            "' theme tickets in the " ~ var('link_lookback_days') ~ " days before the item was created'",
            "case when rise_before_created_z >= 2 then " ~ dbt.concat(["'; rising before creation (z '", round_text("rise_before_created_z", 1), "')'"]) ~ " else '' end",
            "case when drop_after_shipped_z >= 2 then " ~ dbt.concat(["'; fell after shipping (z '", round_text("drop_after_shipped_z", 1), "')'"]) ~ " else '' end",
            "case when has_support_label then '; support label' else '' end",
            "case when has_planned_label then '; planned-work label' else '' end",
            "case when component_fix_rate * component_theme_share >= 0.1 then " ~ dbt.concat(["'; its component: '", dbt.cast(dbt.cast(round_number("100 * component_fix_rate"), dbt.type_bigint()), api.Column.translate_type("string")), "'% of other items are explicit fixes, '", dbt.cast(dbt.cast(round_number("100 * component_theme_share"), dbt.type_bigint()), api.Column.translate_type("string")), "'% of them of this theme'"]) ~ " else '' end",
            "case when sibling_fixes = 1 then '; opened within " ~ var('link_sibling_days') ~ " days of an explicit fix of this theme in its component' when sibling_fixes > 1 then " ~ dbt.concat(["'; opened within " ~ var('link_sibling_days') ~ " days of '", dbt.cast("sibling_fixes", api.Column.translate_type("string")), "' explicit fixes of this theme in its component'"]) ~ " else '' end",
            "case when lookalike_similarity >= 0.5 then " ~ dbt.concat(["'; reads like '", "lookalike_item_id", "', an explicit fix of this theme (similarity '", round_text("lookalike_similarity", 2), "')'"]) ~ " else '' end",
        ]) }} as evidence
    from ranked

)

select * from final
