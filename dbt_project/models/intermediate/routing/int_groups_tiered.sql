with

groups as (

    select * from {{ ref('stg_helpdesk__groups') }}

),

group_tiers as (

    select
        lower(trim(group_name)) as group_name_key,
        tier
    from {{ ref('group_tiers') }}

),

tiers as (

    select * from {{ ref('support_tiers') }}

),

tiered as (

    select
        groups.group_id,
        groups.group_name,
        group_tiers.tier,
        tiers.tier_level,
        tiers.is_human,
        tiers.schedule_id
    from groups
    left join group_tiers
        on lower(trim(groups.group_name)) = group_tiers.group_name_key
    left join tiers
        on group_tiers.tier = tiers.tier

)

select * from tiered
