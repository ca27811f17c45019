with

source as (

    select * from {{ source('topics', 'themes') }}

),

renamed as (

    select
        theme_id,
        coalesce(human_name, label) as theme_name,
        label as machine_label,
        human_name,
        keywords,
        representative_ticket_ids,
        size as fitted_size,
        coalesce(is_ignored, false) as is_ignored,
        coalesce(theme_kind, 'theme') as theme_kind,
        model_version,
        parent_group_id,
        created_at as theme_created_at,
        updated_at as theme_updated_at

    from source
    where not coalesce(is_retired, false)

)

select * from renamed
