with

source as (

    select * from {{ source('raw', 'agents') }}

),

renamed as (

    select
        agent_id,
        name as agent_name,
        role,
        default_group_id,
        coalesce(is_bot, false) as is_bot,
        coalesce(is_active, true) as is_active,
        created_at,
        loaded_at

    from source

)

select * from renamed
