{#
  One row per ticket: when it was first and last resolved (Zendesk's first and full resolution
  end points).

  A resolution is a status change to solved from any other status, or to closed from a status
  other than solved (a ticket closed by a rule or the API without a solve is resolved at the
  close). solved -> closed is not a new resolution: the solve was.

  resolved_at, the final resolution of a resolved ticket, is the later of the last resolution
  in the audits and the help desk's metric_set.solved_at; a resolved ticket with neither (an
  export without audits or solve time) falls back to updated_at, its last update.
#}
with

tickets as (

    select ticket_id, solved_at, updated_at, is_resolved
    from {{ ref('stg_helpdesk__tickets') }}

),

resolution_events as (

    select
        ticket_id,
        created_at,
        field_value as status
    from {{ ref('stg_helpdesk__ticket_events') }}
    where field_name = 'status'
        and event_type in ('create', 'change')
        and (
            (field_value = 'solved' and coalesce(previous_value, '') <> 'solved')
            or (field_value = 'closed' and coalesce(previous_value, '') not in {{ sql_list(var('resolved_statuses')) }})
        )

),

ranked as (

    select
        ticket_id,
        created_at,
        status,
        row_number() over (partition by ticket_id order by created_at desc, status desc)
            as recency
    from resolution_events

),

resolutions as (

    select
        ticket_id,
        min(created_at) as first_event_resolved_at,
        max(created_at) as last_event_resolved_at,
        max(case when recency = 1 and status = 'closed' then 1 else 0 end) = 1
            as last_event_is_close,
        count(*) as resolutions
    from ranked
    group by ticket_id

),

timed as (

    select
        tickets.ticket_id,
        coalesce(
            resolutions.first_event_resolved_at,
            tickets.solved_at,
            case when tickets.is_resolved then tickets.updated_at end
        ) as first_resolved_at,
        case
            when not tickets.is_resolved then null
            when resolutions.last_event_resolved_at is not null
                and (tickets.solved_at is null or resolutions.last_event_resolved_at >= tickets.solved_at)
                then resolutions.last_event_resolved_at
            else coalesce(tickets.solved_at, tickets.updated_at)
        end as resolved_at,
        case
            when not tickets.is_resolved then null
            when resolutions.last_event_resolved_at is not null
                and (tickets.solved_at is null or resolutions.last_event_resolved_at >= tickets.solved_at)
                then 'status_change'
            when tickets.solved_at is not null then 'solved_at'
            else 'updated_at'
        end as resolved_at_source,
        tickets.is_resolved
            and resolutions.last_event_resolved_at is not null
            and (tickets.solved_at is null or resolutions.last_event_resolved_at >= tickets.solved_at)
            and resolutions.last_event_is_close as is_closed_without_solve,
        cast(coalesce(resolutions.resolutions, 0) as {{ dbt.type_int() }}) as resolutions
    from tickets
    left join resolutions
        on tickets.ticket_id = resolutions.ticket_id

)

select * from timed
