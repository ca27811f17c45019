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
        first_resolved_at,
        solved_at,
        cast(created_at as date) as created_date,
        cast(solved_at as date) as solved_date,

        status,
        resolved_at_source,
        is_closed_without_solve,
        is_agent_created,
        channel,
        source_name,
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
        next_reply_minutes,
        next_reply_business_minutes,
        first_resolution_minutes,
        first_resolution_business_minutes,
        full_resolution_minutes,
        full_resolution_business_minutes,
        requester_wait_minutes,
        requester_wait_business_minutes,
        on_hold_minutes,
        on_hold_business_minutes,
        agent_wait_minutes,
        agent_wait_business_minutes,
        agent_work_minutes,
        agent_work_business_minutes,
        reopens,
        public_agent_comments,
        public_agent_replies,
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
        backlog_key,
        {{ drill_url('helpdesk_ticket_url', '{id}', 'ticket_id') }} as ticket_url
    from tickets

)

select * from final
