with

source as (

    select * from {{ source('raw', 'satisfaction_ratings') }}

),

renamed as (

    select
        rating_id,
        ticket_id,
        score,
        rating,
        rating is not null as is_answered,
        comment_redacted as comment,
        assignee_id,
        requester_id,
        created_at,
        updated_at,
        loaded_at

    from source

)

select * from renamed
