{#
  Who owned the ticket when. A period starts when the ticket enters a tier (its group is set to
  a group of that tier) and ends when it enters the next tier, or when the ticket was last
  resolved (int_ticket_resolutions_timed: solved, or closed without a solve). Group changes within one tier do not start a new period. The first period starts at
  ticket creation even if the group was set a little later (routing), so the periods cover the
  whole life of the ticket. Tickets without group events (a help desk that exports no audits)
  get one period in their current group.
#}
with

tickets as (

    select
        stg_tickets.ticket_id,
        stg_tickets.created_at,
        resolutions.resolved_at as solved_at,
        stg_tickets.is_resolved,
        stg_tickets.group_id
    from {{ ref('stg_helpdesk__tickets') }} as stg_tickets
    left join {{ ref('int_ticket_resolutions_timed') }} as resolutions
        on stg_tickets.ticket_id = resolutions.ticket_id

),

groups as (

    select * from {{ ref('int_groups_tiered') }}

),

tiers as (

    select * from {{ ref('support_tiers') }}

),

tier_schedules as (

    select * from {{ ref('int_tier_schedules_resolved') }}

),

group_events as (

    select
        ticket_id,
        created_at as changed_at,
        event_id,
        field_value as group_id
    from {{ ref('stg_helpdesk__ticket_events') }}
    where field_name = 'group_id'
        and event_type in ('create', 'change')
        and field_value is not null

),

tickets_without_group_events as (

    select
        tickets.ticket_id,
        tickets.created_at as changed_at,
        cast(null as {{ dbt.type_string() }}) as event_id,
        tickets.group_id
    from tickets
    where not exists (
        select 1 from group_events where group_events.ticket_id = tickets.ticket_id
    )

),

assignments as (

    select
        assignments.ticket_id,
        assignments.changed_at,
        assignments.event_id,
        assignments.group_id,
        coalesce(groups.tier, '{{ var("unassigned_group_tier") }}') as tier
    from (
        select * from group_events
        union all
        select * from tickets_without_group_events
    ) as assignments
    left join groups
        on assignments.group_id = groups.group_id

),

tier_changes as (

    select
        *,
        lag(tier) over (
            partition by ticket_id order by changed_at, event_id
        ) as tier_before
    from assignments

),

entries as (

    select
        ticket_id,
        changed_at,
        group_id,
        tier,
        row_number() over (
            partition by ticket_id order by changed_at, event_id
        ) as period_number,
        lead(changed_at) over (
            partition by ticket_id order by changed_at, event_id
        ) as next_changed_at,
        lag(changed_at) over (
            partition by ticket_id order by changed_at, event_id
        ) as previous_changed_at,
        lag(tier) over (
            partition by ticket_id order by changed_at, event_id
        ) as previous_tier
    from tier_changes
    where tier_before is null or tier <> tier_before

),

periods as (

    select
        entries.ticket_id,
        entries.period_number,
        entries.tier,
        entries.group_id,
        tiers.tier_level,
        tiers.is_human,
        tier_schedules.schedule_id,
        tier_schedules.time_zone,
        case
            when entries.period_number = 1 then tickets.created_at
            else entries.changed_at
        end as period_start_at,
        coalesce(
            entries.next_changed_at,
            case when tickets.is_resolved then tickets.solved_at end
        ) as period_end_at,
        entries.next_changed_at is null as is_last_period,
        entries.previous_tier,
        case
            when entries.period_number = 2 then tickets.created_at
            else entries.previous_changed_at
        end as previous_period_start_at
    from entries
    inner join tickets
        on entries.ticket_id = tickets.ticket_id
    left join tiers
        on entries.tier = tiers.tier
    left join tier_schedules
        on entries.tier = tier_schedules.tier

)

select * from periods
