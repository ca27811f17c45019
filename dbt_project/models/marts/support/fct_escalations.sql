{#
  One row per tier hop of a resolved ticket (bot handoffs, escalations, de-escalations and
  transfers; hop_type says which), with the time the ticket spent in the tier it left and in
  the tier it entered (until the next hop or the final solve).
#}
with

hops as (

    select * from {{ ref('int_ticket_tier_hops_classified') }}

),

tickets as (

    select ticket_id, channel, language, priority
    from {{ ref('fct_tickets') }}

),

final as (

    select
        {{ dbt.concat(['hops.ticket_id', "'-'", dbt.cast('hops.hop_number', dbt.type_string())]) }}
            as escalation_id,
        hops.ticket_id,
        cast(hops.hop_number as {{ dbt.type_int() }}) as hop_number,
        hops.hop_type,
        hops.from_tier,
        hops.to_tier,
        hops.from_tier_entered_at,
        hops.hopped_at,
        cast(hops.hopped_at as date) as hopped_date,
        hops.to_tier_left_at,
        cast(hops.minutes_in_from_tier as {{ type_double() }}) as minutes_in_from_tier,
        cast(hops.minutes_in_to_tier as {{ type_double() }}) as minutes_in_to_tier,
        tickets.channel,
        tickets.language,
        tickets.priority
    from hops
    inner join tickets
        on hops.ticket_id = tickets.ticket_id

)

select * from final
