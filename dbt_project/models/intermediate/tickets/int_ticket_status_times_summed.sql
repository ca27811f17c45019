{#
  One row per ticket with status audits: the calendar minutes it spent in each group of
  statuses, as Zendesk's native duration metrics define them (see DECISIONS.md):

    requester_wait_minutes  new, open and on-hold (the requester is waiting on the team)
    on_hold_minutes         on-hold (waiting on a third party)
    agent_wait_minutes      pending (the team is waiting on the requester)
    agent_work_minutes      new and open (waiting on an agent; dbt_zendesk's agent work time)

  Time after a solve does not count (solved and closed are in no group), time after a reopen
  does. Only finished periods count: a ticket still open has its time so far up to its last
  status change.
#}
with

periods as (

    select * from {{ ref('int_ticket_status_periods_sequenced') }}

),

measured as (

    select
        ticket_id,
        status,
        case
            when period_ended_at is not null
                then {{ minutes_between('period_started_at', 'period_ended_at') }}
            else 0
        end as minutes_in_status
    from periods

),

summed as (

    select
        ticket_id,
        cast(sum(case when status in ('new', 'open', 'hold') then minutes_in_status else 0 end)
            as {{ type_double() }}) as requester_wait_minutes,
        cast(sum(case when status = 'hold' then minutes_in_status else 0 end)
            as {{ type_double() }}) as on_hold_minutes,
        cast(sum(case when status = 'pending' then minutes_in_status else 0 end)
            as {{ type_double() }}) as agent_wait_minutes,
        cast(sum(case when status in ('new', 'open') then minutes_in_status else 0 end)
            as {{ type_double() }}) as agent_work_minutes
    from measured
    group by ticket_id

)

select * from summed
