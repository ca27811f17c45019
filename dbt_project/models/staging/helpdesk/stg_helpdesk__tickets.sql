with

source as (

    select * from {{ source('raw', 'tickets') }}

),

renamed as (

    select
        ticket_id,

        created_at,
        updated_at,
        -- the help desk's metric_set.solved_at as exported (null for a ticket closed without a
        -- solve); int_ticket_resolutions_timed decides when a ticket was resolved
        solved_at,

        -- only the redacted text leaves the raw layer
        subject_redacted as subject,
        body_redacted as body,

        status,
        coalesce(priority, 'normal') as priority,
        channel,
        -- the feedback source (app, brand, product) the ingestion named; older loads had none
        coalesce(source_name, '{{ var("default_source_name") }}') as source_name,
        rating,
        coalesce(lower(trim(language)), 'unknown') as language,
        status in {{ sql_list(var('resolved_statuses')) }} as is_resolved,

        requester_id,
        assignee_id,
        group_id,
        tags_redacted as tags,
        backlog_key,

        security_flagged_at,
        security_action,
        security_actioned_at,

        recovery_asset,
        recovery_amount,
        recovery_method,
        recovery_status,
        recovered_at,

        loaded_at

    from source

)

select * from renamed
