{#
  One row per ticket with status events. A reopen is a status change away from solved (or
  closed) to new, open, pending or hold: the requester wrote back, or an agent reopened it.

  A view, materialised in fct_tickets through int_tickets_enriched.
#}
{{ config(materialized='view') }}
with

status_events as (

    select
        ticket_id,
        created_at,
        event_type,
        field_value as status,
        previous_value as previous_status
    from {{ ref('stg_helpdesk__ticket_events') }}
    where field_name = 'status'
        and event_type in ('create', 'change')

),

counted as (

    select
        ticket_id,
        cast(sum(
            case
                when previous_status in {{ sql_list(var('resolved_statuses')) }}
                    and status in ('new', 'open', 'pending', 'hold')
                    then 1
                else 0
            end
        ) as {{ dbt.type_int() }}) as reopens,
        cast(sum(
            case
                when status = 'solved' and coalesce(previous_status, '') <> 'solved' then 1
                else 0
            end
        ) as {{ dbt.type_int() }}) as solves,
        min(case when status = 'solved' then created_at end) as first_solved_at
    from status_events
    group by ticket_id

)

select * from counted
