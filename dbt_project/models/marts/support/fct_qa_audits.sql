{#
  One row per QA review. overall_score is the mean of the four dimension scores (0-100); the
  review passes when it reaches var qa_pass_threshold.
#}
with

audits as (

    select * from {{ ref('stg_helpdesk__qa_audits') }}

),

tickets as (

    select ticket_id, channel, language
    from {{ ref('stg_helpdesk__tickets') }}

),

paths as (

    select ticket_id, final_tier
    from {{ ref('int_ticket_tier_paths_aggregated') }}

),

scored as (

    select
        audits.audit_id,
        audits.ticket_id,
        audits.agent_id,
        audits.reviewer_id,
        audits.reviewed_at,
        cast(audits.reviewed_at as date) as reviewed_date,
        paths.final_tier,
        tickets.channel,
        tickets.language,
        cast(audits.tone_score as {{ type_double() }}) as tone_score,
        cast(audits.accuracy_score as {{ type_double() }}) as accuracy_score,
        cast(audits.compliance_score as {{ type_double() }}) as compliance_score,
        cast(audits.resolution_score as {{ type_double() }}) as resolution_effectiveness_score,
        cast(
            (audits.tone_score + audits.accuracy_score + audits.compliance_score
                + audits.resolution_score) / 4.0
            as {{ type_double() }}
        ) as overall_score
    from audits
    left join tickets
        on audits.ticket_id = tickets.ticket_id
    left join paths
        on audits.ticket_id = paths.ticket_id

),

final as (

    select
        *,
        overall_score >= {{ var('qa_pass_threshold') }} as is_passed,
        case
            when overall_score >= {{ var('qa_pass_threshold') }} then 'pass'
            else 'fail'
        end as qa_result
    from scored

)

select * from final
