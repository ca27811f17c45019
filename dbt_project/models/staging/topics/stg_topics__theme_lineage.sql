with

source as (

    select * from {{ source('topics', 'theme_lineage') }}

),

renamed as (

    select
        model_version,
        event as lineage_event,
        from_theme_id,
        to_theme_id,
        similarity,
        recorded_at

    from source

)

select * from renamed
