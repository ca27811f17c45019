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

  The *_business_minutes count the same periods on the schedules of the tiers that owned the
  ticket then (clocks agent_work, agent_wait and on_hold of int_ticket_clock_segments_measured;
  requester wait = agent work + on-hold).
#}
with

periods as (

    select * from {{ ref('int_ticket_status_periods_sequenced') }}

),

business as (

    select
        ticket_id,
        sum(case when clock_name = 'agent_work' then business_minutes else 0 end)
            as agent_work_business_minutes,
        sum(case when clock_name = 'agent_wait' then business_minutes else 0 end)
            as agent_wait_business_minutes,
        sum(case when clock_name = 'on_hold' then business_minutes else 0 end)
            as on_hold_business_minutes
    from {{ ref('int_ticket_clock_segments_measured') }}
    where clock_name in ('agent_work', 'agent_wait', 'on_hold')
    group by ticket_id

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

),

with_business as (

    select
        summed.*,
        cast(coalesce(business.agent_work_business_minutes, 0)
            + coalesce(business.on_hold_business_minutes, 0) as {{ type_double() }})
            as requester_wait_business_minutes,
        cast(coalesce(business.on_hold_business_minutes, 0) as {{ type_double() }})
            as on_hold_business_minutes,
        cast(coalesce(business.agent_wait_business_minutes, 0) as {{ type_double() }})
            as agent_wait_business_minutes,
        cast(coalesce(business.agent_work_business_minutes, 0) as {{ type_double() }})
            as agent_work_business_minutes
    from summed
    left join business
        on summed.ticket_id = business.ticket_id

)

select * from with_business
