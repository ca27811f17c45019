with

tickets as (

    select * from {{ ref('int_tickets_enriched') }}
    where is_resolved

),

final as (

    select
        ticket_id,
        requester_id,
        assignee_id,
        first_response_agent_id,

        created_at,
        first_response_at,
        solved_at,
        cast(created_at as date) as created_date,
        cast(solved_at as date) as solved_date,

        status,
        channel,
        language,
        priority,

        tier_path,
        first_tier,
        final_tier,
        escalated_to,
        is_escalated,
        escalations,
        handoffs,
        entered_bot,
        bot_resolved,
        handed_off_to_human,

        first_response_minutes,
        first_response_business_minutes,
        full_resolution_minutes,
        full_resolution_business_minutes,
        reopens,
        public_agent_comments,
        is_one_touch as one_touch,
        is_two_touch as two_touch,

        sla_tier,
        sla_target_minutes,
        sla_status,
        is_first_response_breach,

        csat_score,
        feedback_requested,
        feedback_received,
        qa_audited,

        subject,
        body,
        backlog_key
    from tickets

)

select * from final
