{#
  One row per stretch of time a ticket spent in one status, from its status audits: a period
  starts when the status is set (at creation, or by a change) and ends at the next status
  change. Changes that set the status it already had do not start a new period. The period of
  the current status has no end (period_ended_at is null).

  A view: int_ticket_status_times_summed (calendar minutes) and
  int_ticket_clock_segments_listed (business minutes) read it.
#}
{{ config(materialized='view') }}
with

status_events as (

    select
        ticket_id,
        event_id,
        created_at,
        field_value as status
    from {{ ref('stg_helpdesk__ticket_events') }}
    where field_name = 'status'
        and event_type in ('create', 'change')
        and field_value is not null

),

changes as (

    select
        *,
        lag(status) over (partition by ticket_id order by created_at, event_id) as status_before
    from status_events

),

periods as (

    select
        ticket_id,
        status,
        created_at as period_started_at,
        lead(created_at) over (partition by ticket_id order by created_at, event_id)
            as period_ended_at,
        row_number() over (partition by ticket_id order by created_at, event_id)
            as period_number
    from changes
    where status_before is null or status <> status_before

)

select * from periods
