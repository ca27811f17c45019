{#
  One row per ticket: its SLA tier and the SLA policy that applies to it, if any.

  Zendesk applies the first policy, in policy order, whose filter the ticket matches: every
  condition of "all" and at least one of "any" (when "any" has conditions). A policy with a
  condition closedloop cannot evaluate (int_sla_policy_conditions_listed.is_supported) never
  matches. The ticket's current priority, group, channel and tags are matched; the SLA tier is
  the tier that owned the ticket when the first response was given (it owns the promise),
  without a first response the tier that owns it now.
#}
with

tickets as (

    select ticket_id, priority, group_id, channel, tags
    from {{ ref('stg_helpdesk__tickets') }}

),

paths as (

    select ticket_id, final_tier
    from {{ ref('int_ticket_tier_paths_aggregated') }}

),

response_segments as (

    select
        ticket_id,
        tier,
        row_number() over (partition by ticket_id order by period_number desc) as from_last
    from {{ ref('int_ticket_clock_segments_measured') }}
    where clock_name = 'first_response'

),

sla_tiers as (

    select
        tickets.*,
        coalesce(response_segments.tier, paths.final_tier) as sla_tier
    from tickets
    left join paths
        on tickets.ticket_id = paths.ticket_id
    left join response_segments
        on tickets.ticket_id = response_segments.ticket_id
        and response_segments.from_last = 1

),

policies as (

    select policy_id, min(policy_title) as policy_title, min(policy_rank) as policy_rank
    from {{ ref('int_sla_policies_resolved') }}
    group by policy_id

),

conditions as (

    select * from {{ ref('int_sla_policy_conditions_listed') }}

),

evaluable_policies as (

    select policies.*
    from policies
    where not exists (
        select 1 from conditions
        where conditions.policy_id = policies.policy_id
            and not conditions.is_supported
    )

),

evaluated as (

    select
        sla_tiers.ticket_id,
        conditions.policy_id,
        conditions.condition_group,
        coalesce(
            case conditions.field
                when 'priority' then
                    case conditions.operator
                        when 'is' then {{ priority_rank('sla_tiers.priority') }} = {{ priority_rank('conditions.value') }}
                        when 'is_not' then {{ priority_rank('sla_tiers.priority') }} <> {{ priority_rank('conditions.value') }}
                        when 'less_than' then {{ priority_rank('sla_tiers.priority') }} < {{ priority_rank('conditions.value') }}
                        when 'greater_than' then {{ priority_rank('sla_tiers.priority') }} > {{ priority_rank('conditions.value') }}
                    end
                when 'group_id' then
                    (coalesce(sla_tiers.group_id, '') = coalesce(conditions.value, ''))
                        = (conditions.operator = 'is')
                when 'channel' then
                    (sla_tiers.channel = lower(conditions.value)) = (conditions.operator = 'is')
                when 'via_id' then
                    (sla_tiers.channel = {{ via_channel('conditions.value') }}) = (conditions.operator = 'is')
                when 'tier' then
                    (sla_tiers.sla_tier = conditions.value) = (conditions.operator = 'is')
                when 'current_tags' then
                    {{ json_tags_overlap('sla_tiers.tags', 'conditions.value') }} = (conditions.operator = 'includes')
            end,
            false
        ) as is_met
    from sla_tiers
    cross join conditions
    inner join evaluable_policies
        on conditions.policy_id = evaluable_policies.policy_id

),

failed as (

    select ticket_id, policy_id
    from evaluated
    group by ticket_id, policy_id
    having sum(case when condition_group = 'all' and not is_met then 1 else 0 end) > 0
        or (
            sum(case when condition_group = 'any' then 1 else 0 end) > 0
            and sum(case when condition_group = 'any' and is_met then 1 else 0 end) = 0
        )

),

matched as (

    select
        sla_tiers.ticket_id,
        evaluable_policies.policy_id,
        evaluable_policies.policy_title,
        evaluable_policies.policy_rank,
        row_number() over (
            partition by sla_tiers.ticket_id order by evaluable_policies.policy_rank
        ) as match_order
    from sla_tiers
    cross join evaluable_policies
    where not exists (
        select 1 from failed
        where failed.ticket_id = sla_tiers.ticket_id
            and failed.policy_id = evaluable_policies.policy_id
    )

)

select
    sla_tiers.ticket_id,
    sla_tiers.priority,
    sla_tiers.sla_tier,
    matched.policy_id,
    matched.policy_title
from sla_tiers
left join matched
    on sla_tiers.ticket_id = matched.ticket_id
    and matched.match_order = 1
