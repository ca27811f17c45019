with

source as (

    select * from {{ source('raw', 'group_tiers') }}

),

renamed as (

    select
        group_name,
        tier,
        nullif(trim(schedule_id), '') as schedule_id,
        loaded_at

    from source

)

select * from renamed
