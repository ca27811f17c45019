{#
  Daily support figures by channel, language and final tier, over resolved tickets (by the day
  they were solved). Every rate comes with its numerator and denominator, so a dashboard sums
  those over any slice and divides; medians and p90s cannot be re-aggregated that way, so
  fct_support_quarterly computes its own from fct_tickets.
#}
with

tickets as (

    select * from {{ ref('fct_tickets') }}

),

aggregated as (

    select
        solved_date as date_day,
        channel,
        language,
        final_tier as tier,

        count(*) as tickets_resolved,

        count(first_response_minutes) as first_responses,
        {{ percentile_cont('first_response_minutes', 0.5) }} as median_first_response_minutes,
        {{ percentile_cont('first_response_minutes', 0.9) }} as p90_first_response_minutes,
        {{ percentile_cont('first_response_business_minutes', 0.5) }}
            as median_first_response_business_minutes,
        sum(first_response_minutes) as first_response_minutes_sum,

        sum(case when sla_status in ('met', 'breached') then 1 else 0 end) as sla_applicable_tickets,
        sum(case when sla_status = 'met' then 1 else 0 end) as sla_met_tickets,
        sum(case when sla_status = 'breached' then 1 else 0 end) as sla_breached_tickets,

        sum(case when feedback_requested then 1 else 0 end) as feedback_requested_tickets,
        sum(case when feedback_received then 1 else 0 end) as feedback_received_tickets,
        count(csat_score) as csat_responses,
        sum(csat_score) as csat_score_sum,

        sum(case when entered_bot then 1 else 0 end) as bot_entered_tickets,
        sum(case when bot_resolved then 1 else 0 end) as bot_resolved_tickets,
        sum(case when handed_off_to_human then 1 else 0 end) as handed_off_tickets,
        sum(case when is_escalated then 1 else 0 end) as escalated_tickets,

        sum(case when one_touch then 1 else 0 end) as one_touch_tickets,
        sum(case when two_touch then 1 else 0 end) as two_touch_tickets,
        sum(case when reopens > 0 then 1 else 0 end) as reopened_tickets,
        sum(case when qa_audited then 1 else 0 end) as qa_audited_tickets,
        sum(full_resolution_minutes) as full_resolution_minutes_sum
    from tickets
    group by
        solved_date,
        channel,
        language,
        final_tier

),

final as (

    select
        {{ surrogate_key(['date_day', 'channel', 'language', 'tier']) }} as support_daily_key,
        date_day,
        channel,
        language,
        tier,

        cast(tickets_resolved as {{ dbt.type_int() }}) as tickets_resolved,

        cast(first_responses as {{ dbt.type_int() }}) as first_responses,
        cast(median_first_response_minutes as {{ type_double() }}) as median_first_response_minutes,
        cast(p90_first_response_minutes as {{ type_double() }}) as p90_first_response_minutes,
        cast(median_first_response_business_minutes as {{ type_double() }})
            as median_first_response_business_minutes,
        cast(first_response_minutes_sum as {{ type_double() }}) as first_response_minutes_sum,

        cast(sla_applicable_tickets as {{ dbt.type_int() }}) as sla_applicable_tickets,
        cast(sla_met_tickets as {{ dbt.type_int() }}) as sla_met_tickets,
        cast(sla_breached_tickets as {{ dbt.type_int() }}) as sla_breached_tickets,
        {{ safe_divide('sla_met_tickets', 'sla_applicable_tickets') }} as sla_attainment_rate,

        cast(feedback_requested_tickets as {{ dbt.type_int() }}) as feedback_requested_tickets,
        cast(feedback_received_tickets as {{ dbt.type_int() }}) as feedback_received_tickets,
        cast(csat_responses as {{ dbt.type_int() }}) as csat_responses,
        cast(csat_score_sum as {{ dbt.type_int() }}) as csat_score_sum,
        {{ safe_divide('csat_score_sum', 'csat_responses') }} as csat_average,
        {{ safe_divide('feedback_received_tickets', 'feedback_requested_tickets') }}
            as csat_response_rate,
        {{ safe_divide('feedback_requested_tickets', 'tickets_resolved') }} as feedback_coverage,

        cast(bot_entered_tickets as {{ dbt.type_int() }}) as bot_entered_tickets,
        cast(bot_resolved_tickets as {{ dbt.type_int() }}) as bot_resolved_tickets,
        cast(handed_off_tickets as {{ dbt.type_int() }}) as handed_off_tickets,
        {{ safe_divide('bot_resolved_tickets', 'tickets_resolved') }} as bot_containment_rate,
        cast(escalated_tickets as {{ dbt.type_int() }}) as escalated_tickets,
        {{ safe_divide('escalated_tickets', 'tickets_resolved') }} as escalation_rate,

        cast(one_touch_tickets as {{ dbt.type_int() }}) as one_touch_tickets,
        cast(two_touch_tickets as {{ dbt.type_int() }}) as two_touch_tickets,
        cast(reopened_tickets as {{ dbt.type_int() }}) as reopened_tickets,
        cast(qa_audited_tickets as {{ dbt.type_int() }}) as qa_audited_tickets,
        cast(full_resolution_minutes_sum as {{ type_double() }}) as full_resolution_minutes_sum
    from aggregated

)

select * from final
