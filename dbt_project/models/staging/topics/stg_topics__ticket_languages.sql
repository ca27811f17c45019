with

source as (

    select * from {{ source('topics', 'ticket_languages') }}

),

renamed as (

    select
        ticket_id,
        language as detected_language,
        confidence as language_confidence

    from source

)

select * from renamed
