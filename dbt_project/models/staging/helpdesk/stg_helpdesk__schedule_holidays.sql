with

source as (

    select * from {{ source('raw', 'schedule_holidays') }}

),

renamed as (

    select
        holiday_id,
        schedule_id,
        name as holiday_name,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        loaded_at

    from source

)

select * from renamed
