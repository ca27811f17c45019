with

source as (

    select * from {{ source('raw', 'qa_audits') }}

),

renamed as (

    select
        audit_id,
        ticket_id,
        agent_id,
        reviewer_id,
        reviewed_at,
        tone_score,
        accuracy_score,
        compliance_score,
        resolution_score,
        comment_redacted as comment,
        loaded_at

    from source

)

select * from renamed
