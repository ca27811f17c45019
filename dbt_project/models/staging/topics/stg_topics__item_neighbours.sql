with

source as (

    select * from {{ source('topics', 'item_neighbours') }}

),

renamed as (

    select
        item_id,
        neighbour_id,
        similarity,
        similarity_rank,
        model_id as embedding_model_id,
        computed_at

    from source

)

select * from renamed
