with

source as (

    select * from {{ source('raw', 'groups') }}

),

renamed as (

    select
        group_id,
        name as group_name,
        created_at,
        loaded_at

    from source

)

select * from renamed
