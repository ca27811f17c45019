with

source as (

    select * from {{ source('raw', 'tickets') }}

),

renamed as (

    select
        ticket_id,

        created_at,
        updated_at,
        -- a resolved ticket without a solve time (some exports) counts as solved when last updated
        coalesce(solved_at, case when status in ('solved', 'closed') then updated_at end) as solved_at,

        -- only the redacted text leaves the raw layer
        subject_redacted as subject,
        body_redacted as body,

        status,
        coalesce(priority, 'normal') as priority,
        channel,
        coalesce(lower(trim(language)), 'unknown') as language,
        status in ('solved', 'closed') as is_resolved,

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
