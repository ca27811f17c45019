with

agents as (

    select * from {{ ref('stg_helpdesk__agents') }}

),

groups as (

    select * from {{ ref('int_groups_tiered') }}

),

final as (

    select
        agents.agent_id,
        agents.agent_name,
        agents.role,
        agents.is_bot,
        agents.is_active,
        agents.default_group_id,
        groups.group_name as default_group_name,
        groups.tier as default_tier,
        agents.created_at
    from agents
    left join groups
        on agents.default_group_id = groups.group_id

)

select * from final
