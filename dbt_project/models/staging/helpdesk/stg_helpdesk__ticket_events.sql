with

source as (

    select * from {{ source('raw', 'ticket_events') }}

),

renamed as (

    select
        event_id,
        audit_id,
        ticket_id,
        created_at,
        author_id,
        event_type,
        field_name,
        -- audit values: codes and ids verbatim, any other field's value redacted
        value_redacted as field_value,
        previous_value_redacted as previous_value,
        coalesce(is_public, false) as is_public,
        loaded_at

    from source

)

select * from renamed
