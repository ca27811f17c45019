with

source as (

    select * from {{ source('raw', 'sla_policies') }}

),

renamed as (

    select
        policy_id,
        title as policy_title,
        position as policy_position,
        filter as policy_filter,
        policy_metrics,
        created_at,
        loaded_at

    from source

)

select * from renamed
