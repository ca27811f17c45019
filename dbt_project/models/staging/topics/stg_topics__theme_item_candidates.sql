with

source as (

    select * from {{ source('topics', 'theme_item_candidates') }}

),

renamed as (

    select
        theme_id,
        item_id,
        similarity,
        similarity_rank,
        theme_agreement,
        model_id as embedding_model_id,
        computed_at

    from source

)

select * from renamed
