{#
  One row per security case: a ticket with a security flag, from the flag to the account being
  secured or funds frozen. minutes_to_intervention counts whole minutes (seconds / 60, rounded
  down); the target is var security_intervention_target_minutes (15): met when under it.
  A case not actioned yet has outcome 'pending' and no minutes.
#}
with

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}
    where security_flagged_at is not null

),

paths as (

    select ticket_id, final_tier, tier_path
    from {{ ref('int_ticket_tier_paths_aggregated') }}

),

measured as (

    select
        tickets.ticket_id,
        tickets.created_at,
        tickets.security_flagged_at as flagged_at,
        tickets.security_actioned_at as actioned_at,
        cast(tickets.security_flagged_at as date) as flagged_date,
        case
            when tickets.security_actioned_at is null then 'pending'
            else coalesce(tickets.security_action, 'no_action')
        end as outcome,
        case
            when tickets.security_actioned_at is not null then cast(
                floor({{ dbt.datediff('tickets.security_flagged_at', 'tickets.security_actioned_at', 'second') }} / 60)
                as {{ dbt.type_int() }}
            )
        end as minutes_to_intervention,
        cast({{ var('security_intervention_target_minutes') }} as {{ dbt.type_int() }})
            as target_minutes,
        tickets.is_resolved,
        tickets.status,
        tickets.channel,
        tickets.language,
        tickets.priority,
        paths.final_tier,
        paths.tier_path
    from tickets
    left join paths
        on tickets.ticket_id = paths.ticket_id

),

final as (

    select
        *,
        case
            when minutes_to_intervention is not null
                then minutes_to_intervention < target_minutes
        end as is_within_target
    from measured

)

select * from final
