with

source as (

    select * from {{ source('topics', 'ticket_themes') }}

),

renamed as (

    select
        ticket_id,
        theme_id,
        probability,
        model_version,
        assigned_by,
        assigned_at

    from source

)

select * from renamed
