{#
  One row per ticket and SLA metric (see int_ticket_sla_events_measured): the policy that
  applies, its target for the ticket's priority, whether it counts business hours, the elapsed
  minutes and the outcome. The first_reply_time rows carry the same target and outcome as
  fct_tickets' sla_target_minutes and sla_status.
#}
select
    {{ dbt.concat(["ticket_id", "'-'", "metric"]) }} as sla_event_key,
    ticket_id,
    metric,
    policy_id,
    policy_title,
    priority,
    target_minutes,
    in_business_hours,
    sla_applied_at,
    achieved_at,
    elapsed_minutes,
    sla_status,
    is_breached
from {{ ref('int_ticket_sla_events_measured') }}
