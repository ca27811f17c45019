with

groups as (

    select * from {{ ref('stg_helpdesk__groups') }}

),

-- The account's own tiers (closedloop-sources.yml, account: tiers) when it sets any, else the seed:
-- all or nothing, as for schedules and SLA policies.
account_tiers as (

    select group_name, tier from {{ ref('stg_helpdesk__group_tiers') }}

),

group_tiers as (

    select
        lower(trim(group_name)) as group_name_key,
        tier
    from account_tiers

    union all

    select
        lower(trim(group_name)) as group_name_key,
        tier
    from {{ ref('group_tiers') }}
    where not exists (select 1 from account_tiers)

),

tiers as (

    select * from {{ ref('support_tiers') }}

),

tier_schedules as (

    select * from {{ ref('int_tier_schedules_resolved') }}

),

tiered as (

    select
        groups.group_id,
        groups.group_name,
        group_tiers.tier,
        tiers.tier_level,
        tiers.is_human,
        tier_schedules.schedule_id
    from groups
    left join group_tiers
        on lower(trim(groups.group_name)) = group_tiers.group_name_key
    left join tiers
        on group_tiers.tier = tiers.tier
    left join tier_schedules
        on group_tiers.tier = tier_schedules.tier

)

select * from tiered
