with

source as (

    select * from {{ source('raw', 'source_defaults') }}

),

renamed as (

    select
        table_name,
        source_file,
        source_name,
        column_name,
        default_rule,
        rows as defaulted_rows,
        loaded_at

    from source

)

select * from renamed
