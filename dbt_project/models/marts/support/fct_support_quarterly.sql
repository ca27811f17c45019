{#
  The headline support figures per calendar quarter of the (final) solve, over all channels,
  languages and tiers: what the quarterly report quotes. Medians and p90s are computed from
  the tickets (interpolated), not from daily medians.
#}
with

tickets as (

    select * from {{ ref('fct_tickets') }}

),

calendar as (

    select date_day, quarter_key, quarter_start_date
    from {{ ref('dim_calendar') }}

),

aggregated as (

    select
        calendar.quarter_key,
        calendar.quarter_start_date,

        count(*) as tickets_resolved,

        count(tickets.first_response_minutes) as first_responses,
        {{ percentile_cont('tickets.first_response_minutes', 0.5) }} as median_first_response_minutes,
        {{ percentile_cont('tickets.first_response_minutes', 0.9) }} as p90_first_response_minutes,
        {{ percentile_cont('tickets.first_response_business_minutes', 0.5) }}
            as median_first_response_business_minutes,

        sum(case when tickets.sla_status in ('met', 'breached') then 1 else 0 end)
            as sla_applicable_tickets,
        sum(case when tickets.sla_status = 'breached' then 1 else 0 end) as sla_breached_tickets,

        sum(case when tickets.feedback_requested then 1 else 0 end) as feedback_requested_tickets,
        sum(case when tickets.feedback_received then 1 else 0 end) as feedback_received_tickets,
        count(tickets.csat_score) as csat_responses,
        sum(tickets.csat_score) as csat_score_sum,

        sum(case when tickets.entered_bot then 1 else 0 end) as bot_entered_tickets,
        sum(case when tickets.bot_resolved then 1 else 0 end) as bot_resolved_tickets,
        sum(case when tickets.is_escalated then 1 else 0 end) as escalated_tickets,
        sum(case when tickets.one_touch then 1 else 0 end) as one_touch_tickets,
        sum(case when tickets.reopens > 0 then 1 else 0 end) as reopened_tickets,
        {{ percentile_cont('tickets.full_resolution_minutes', 0.5) }}
            as median_full_resolution_minutes
    from tickets
    inner join calendar
        on tickets.solved_date = calendar.date_day
    group by
        calendar.quarter_key,
        calendar.quarter_start_date

),

final as (

    select
        quarter_key,
        quarter_start_date,
        cast(tickets_resolved as {{ dbt.type_int() }}) as tickets_resolved,

        cast(first_responses as {{ dbt.type_int() }}) as first_responses,
        cast(median_first_response_minutes as {{ type_double() }}) as median_first_response_minutes,
        cast(p90_first_response_minutes as {{ type_double() }}) as p90_first_response_minutes,
        cast(median_first_response_business_minutes as {{ type_double() }})
            as median_first_response_business_minutes,

        cast(sla_applicable_tickets as {{ dbt.type_int() }}) as sla_applicable_tickets,
        cast(sla_breached_tickets as {{ dbt.type_int() }}) as sla_breached_tickets,
        {{ safe_divide('sla_breached_tickets', 'sla_applicable_tickets') }} as sla_breach_rate,
        {{ safe_divide('sla_applicable_tickets - sla_breached_tickets', 'sla_applicable_tickets') }}
            as sla_attainment_rate,

        cast(feedback_requested_tickets as {{ dbt.type_int() }}) as feedback_requested_tickets,
        cast(feedback_received_tickets as {{ dbt.type_int() }}) as feedback_received_tickets,
        {{ safe_divide('feedback_requested_tickets', 'tickets_resolved') }} as feedback_coverage,
        {{ safe_divide('feedback_received_tickets', 'feedback_requested_tickets') }}
            as csat_response_rate,
        cast(csat_responses as {{ dbt.type_int() }}) as csat_responses,
        cast(csat_score_sum as {{ dbt.type_int() }}) as csat_score_sum,
        {{ safe_divide('csat_score_sum', 'csat_responses') }} as csat_average,

        cast(bot_entered_tickets as {{ dbt.type_int() }}) as bot_entered_tickets,
        cast(bot_resolved_tickets as {{ dbt.type_int() }}) as bot_resolved_tickets,
        {{ safe_divide('bot_resolved_tickets', 'tickets_resolved') }} as bot_containment_rate,
        cast(escalated_tickets as {{ dbt.type_int() }}) as escalated_tickets,
        {{ safe_divide('escalated_tickets', 'tickets_resolved') }} as escalation_rate,
        cast(one_touch_tickets as {{ dbt.type_int() }}) as one_touch_tickets,
        {{ safe_divide('one_touch_tickets', 'tickets_resolved') }} as one_touch_rate,
        cast(reopened_tickets as {{ dbt.type_int() }}) as reopened_tickets,
        {{ safe_divide('reopened_tickets', 'tickets_resolved') }} as reopen_rate,
        cast(median_full_resolution_minutes as {{ type_double() }}) as median_full_resolution_minutes
    from aggregated

)

select * from final
