{#
  One row per move of a ticket from one tier to another, with the time it spent in the tier it
  left and in the tier it entered. hop_type:
    bot_handoff    the bot passed the ticket to the human front line, one tier_level up
                   (bot -> l1 or vip)
    escalation     any other move to a higher tier_level (l1 -> engineering, bot -> security)
    de_escalation  to a lower tier_level (engineering -> l1, or back to the bot)
    transfer       between tiers of the same level (l1 -> vip, engineering -> legal)

  A view: a filter over the periods, which already carry the previous tier.
#}
{{ config(materialized='view') }}
with

periods as (

    select * from {{ ref('int_ticket_tier_periods_sequenced') }}
    where period_number > 1

),

tiers as (

    select * from {{ ref('support_tiers') }}

),

hops as (

    select
        periods.ticket_id,
        periods.period_number - 1 as hop_number,
        periods.previous_tier as from_tier,
        periods.tier as to_tier,
        from_tiers.tier_level as from_tier_level,
        periods.tier_level as to_tier_level,
        periods.previous_period_start_at as from_tier_entered_at,
        periods.period_start_at as hopped_at,
        periods.period_end_at as to_tier_left_at,
        case
            when not from_tiers.is_human and periods.is_human
                and periods.tier_level = from_tiers.tier_level + 1 then 'bot_handoff'
            when periods.tier_level > from_tiers.tier_level then 'escalation'
            when periods.tier_level < from_tiers.tier_level then 'de_escalation'
            else 'transfer'
        end as hop_type,
        {{ minutes_between('periods.previous_period_start_at', 'periods.period_start_at') }}
            as minutes_in_from_tier,
        {{ minutes_between('periods.period_start_at', 'periods.period_end_at') }}
            as minutes_in_to_tier
    from periods
    inner join tiers as from_tiers
        on periods.previous_tier = from_tiers.tier

)

select * from hops
