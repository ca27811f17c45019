{#
  One row per misdirected-deposit case: a ticket with recovery fields, from the ticket being
  opened to the funds being returned. days_to_recover is elapsed days with fractions
  (seconds / 86,400) and is null until recovered.
#}
with

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}
    where recovery_asset is not null
        or recovery_method is not null
        or recovery_status is not null

),

final as (

    select
        ticket_id,
        created_at as reported_at,
        cast(created_at as date) as reported_date,
        upper(recovery_asset) as asset,
        cast(recovery_amount as {{ type_double() }}) as amount,
        recovery_method,
        coalesce(recovery_status, 'pending') as recovery_status,
        recovered_at,
        case
            when recovered_at is not null then cast(
                {{ dbt.datediff('created_at', 'recovered_at', 'second') }} / 86400.0
                as {{ type_double() }}
            )
        end as days_to_recover,
        is_resolved,
        status,
        channel,
        language
    from tickets

)

select * from final
