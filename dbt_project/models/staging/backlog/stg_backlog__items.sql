with

source as (

    select * from {{ source('raw', 'backlog_items') }}

),

renamed as (

    select
        item_id,
        item_type,
        summary_redacted as summary,
        description_redacted as description,
        status,
        status_category,
        priority,
        created_at,
        updated_at,
        shipped_at,
        status_category = 'done' and shipped_at is not null as is_shipped,
        labels_redacted as labels,
        components_redacted as components,
        parent_key,
        helpdesk_links_redacted as helpdesk_links,
        loaded_at

    from source

)

select * from renamed
