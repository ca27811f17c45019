{#
  One row per ticket: the tiers it went through, in order, and what the path says about it.
  escalated_to is the tier the last escalation hop went to; a ticket that went
  l1 > engineering > l1 was escalated to engineering.
#}
with

periods as (

    select * from {{ ref('int_ticket_tier_periods_sequenced') }}

),

hops as (

    select * from {{ ref('int_ticket_tier_hops_classified') }}

),

paths as (

    select
        ticket_id,
        {{ dbt.listagg('tier', "' > '", 'order by period_number') }} as tier_path,
        max(case when period_number = 1 then tier end) as first_tier,
        max(case when is_last_period then tier end) as final_tier,
        max(case when is_last_period then group_id end) as final_group_id,
        max(case when is_last_period then schedule_id end) as final_schedule_id,
        count(*) - 1 as tier_hops,
        max(case when not is_human then 1 else 0 end) = 1 as entered_bot,
        max(case when is_human then 1 else 0 end) = 1 as entered_human_tier
    from periods
    group by ticket_id

),

hop_counts as (

    select
        ticket_id,
        sum(case when hop_type = 'bot_handoff' then 1 else 0 end) as bot_handoffs,
        sum(case when hop_type = 'escalation' then 1 else 0 end) as escalations,
        max(case when hop_type = 'escalation' then hop_number end) as last_escalation_hop
    from hops
    group by ticket_id

),

last_escalations as (

    select
        hops.ticket_id,
        hops.to_tier as escalated_to
    from hops
    inner join hop_counts
        on hops.ticket_id = hop_counts.ticket_id
        and hops.hop_number = hop_counts.last_escalation_hop

),

aggregated as (

    select
        paths.ticket_id,
        paths.tier_path,
        paths.first_tier,
        paths.final_tier,
        paths.final_group_id,
        paths.final_schedule_id,
        cast(paths.tier_hops as {{ dbt.type_int() }}) as tier_hops,
        cast(coalesce(hop_counts.escalations, 0) as {{ dbt.type_int() }}) as escalations,
        coalesce(hop_counts.escalations, 0) > 0 as is_escalated,
        last_escalations.escalated_to,
        paths.entered_bot,
        coalesce(hop_counts.bot_handoffs, 0) > 0 as handed_off_to_human,
        paths.entered_bot and not paths.entered_human_tier as is_bot_only
    from paths
    left join hop_counts
        on paths.ticket_id = hop_counts.ticket_id
    left join last_escalations
        on paths.ticket_id = last_escalations.ticket_id

)

select * from aggregated
