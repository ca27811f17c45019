{#
  One row per agent and day on which the agent solved a ticket, gave a first response or was
  QA-reviewed. Each figure is attributed where it belongs:
    tickets handled, one-touch, CSAT   resolved tickets the agent was assignee of, by solve day
    first responses                    tickets the agent answered first, by day of the response
    QA                                 reviews of the agent's work, by review day
#}
with

tickets as (

    select * from {{ ref('fct_tickets') }}

),

audits as (

    select * from {{ ref('fct_qa_audits') }}

),

handled as (

    select
        assignee_id as agent_id,
        solved_date as date_day,
        count(*) as tickets_handled,
        sum(case when one_touch then 1 else 0 end) as one_touch_tickets,
        sum(case when reopens > 0 then 1 else 0 end) as reopened_tickets,
        sum(case when feedback_requested then 1 else 0 end) as feedback_requested_tickets,
        count(csat_score) as csat_responses,
        sum(csat_score) as csat_score_sum
    from tickets
    where assignee_id is not null
    group by
        assignee_id,
        solved_date

),

responded as (

    select
        first_response_agent_id as agent_id,
        cast(first_response_at as date) as date_day,
        count(*) as first_responses,
        {{ percentile_cont('first_response_minutes', 0.5) }} as median_first_response_minutes,
        sum(case when sla_status = 'breached' then 1 else 0 end) as sla_breached_tickets
    from tickets
    where first_response_agent_id is not null
    group by
        first_response_agent_id,
        cast(first_response_at as date)

),

reviewed as (

    select
        agent_id,
        reviewed_date as date_day,
        count(*) as qa_audits,
        sum(case when is_passed then 1 else 0 end) as qa_passed,
        avg(tone_score) as qa_tone_score,
        avg(accuracy_score) as qa_accuracy_score,
        avg(compliance_score) as qa_compliance_score,
        avg(resolution_effectiveness_score) as qa_resolution_effectiveness_score,
        avg(overall_score) as qa_overall_score
    from audits
    group by
        agent_id,
        reviewed_date

),

agent_days as (

    select agent_id, date_day from handled
    union
    select agent_id, date_day from responded
    union
    select agent_id, date_day from reviewed

),

final as (

    select
        {{ surrogate_key(['agent_days.agent_id', 'agent_days.date_day']) }} as agent_daily_key,
        agent_days.agent_id,
        agent_days.date_day,

        cast(coalesce(handled.tickets_handled, 0) as {{ dbt.type_int() }}) as tickets_handled,
        cast(coalesce(handled.one_touch_tickets, 0) as {{ dbt.type_int() }}) as one_touch_tickets,
        cast(coalesce(handled.reopened_tickets, 0) as {{ dbt.type_int() }}) as reopened_tickets,

        cast(coalesce(responded.first_responses, 0) as {{ dbt.type_int() }}) as first_responses,
        cast(responded.median_first_response_minutes as {{ type_double() }})
            as median_first_response_minutes,
        cast(coalesce(responded.sla_breached_tickets, 0) as {{ dbt.type_int() }})
            as sla_breached_tickets,

        cast(coalesce(handled.feedback_requested_tickets, 0) as {{ dbt.type_int() }})
            as feedback_requested_tickets,
        cast(coalesce(handled.csat_responses, 0) as {{ dbt.type_int() }}) as csat_responses,
        cast(coalesce(handled.csat_score_sum, 0) as {{ dbt.type_int() }}) as csat_score_sum,
        {{ safe_divide('handled.csat_score_sum', 'handled.csat_responses') }} as csat_average,

        cast(coalesce(reviewed.qa_audits, 0) as {{ dbt.type_int() }}) as qa_audits,
        cast(coalesce(reviewed.qa_passed, 0) as {{ dbt.type_int() }}) as qa_passed,
        cast(reviewed.qa_tone_score as {{ type_double() }}) as qa_tone_score,
        cast(reviewed.qa_accuracy_score as {{ type_double() }}) as qa_accuracy_score,
        cast(reviewed.qa_compliance_score as {{ type_double() }}) as qa_compliance_score,
        cast(reviewed.qa_resolution_effectiveness_score as {{ type_double() }})
            as qa_resolution_effectiveness_score,
        cast(reviewed.qa_overall_score as {{ type_double() }}) as qa_overall_score
    from agent_days
    left join handled
        on agent_days.agent_id = handled.agent_id
        and agent_days.date_day = handled.date_day
    left join responded
        on agent_days.agent_id = responded.agent_id
        and agent_days.date_day = responded.date_day
    left join reviewed
        on agent_days.agent_id = reviewed.agent_id
        and agent_days.date_day = reviewed.date_day

)

select * from final
