with

source as (

    select * from {{ source('raw', 'schedules') }}

),

renamed as (

    select
        schedule_id,
        name as schedule_name,
        time_zone,
        intervals,
        created_at,
        loaded_at

    from source

)

select * from renamed
