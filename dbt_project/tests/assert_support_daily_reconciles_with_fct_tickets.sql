-- fct_support_daily re-aggregates to fct_tickets: summing any column of the daily mart over
-- all slices gives the ticket-level total. Returns a row for each figure that does not.
with

daily as (

    select
        sum(tickets_resolved) as tickets_resolved,
        sum(sla_breached_tickets) as sla_breached_tickets,
        sum(feedback_requested_tickets) as feedback_requested_tickets,
        sum(csat_score_sum) as csat_score_sum
    from {{ ref('fct_support_daily') }}

),

tickets as (

    select
        count(*) as tickets_resolved,
        sum(case when sla_status = 'breached' then 1 else 0 end) as sla_breached_tickets,
        sum(case when feedback_requested then 1 else 0 end) as feedback_requested_tickets,
        sum(csat_score) as csat_score_sum
    from {{ ref('fct_tickets') }}

),

compared as (

    select 'tickets_resolved' as figure, daily.tickets_resolved as daily_total,
        tickets.tickets_resolved as ticket_total
    from daily cross join tickets
    union all
    select 'sla_breached_tickets', daily.sla_breached_tickets, tickets.sla_breached_tickets
    from daily cross join tickets
    union all
    select 'feedback_requested_tickets', daily.feedback_requested_tickets,
        tickets.feedback_requested_tickets
    from daily cross join tickets
    union all
    select 'csat_score_sum', daily.csat_score_sum, tickets.csat_score_sum
    from daily cross join tickets

)

select *
from compared
where coalesce(daily_total, 0) <> coalesce(ticket_total, 0)
