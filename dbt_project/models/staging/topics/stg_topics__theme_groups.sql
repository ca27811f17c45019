with

source as (

    select * from {{ source('topics', 'theme_groups') }}

),

renamed as (

    select
        group_id as theme_group_id,
        label as group_name,
        member_theme_ids,
        size as fitted_size,
        model_version,
        created_at as group_created_at,
        updated_at as group_updated_at

    from source
    where not coalesce(is_retired, false)

)

select * from renamed
