{#
  One row per feedback source: the span its data covers, from its first to its last ticket
  (by creation), and how many tickets it holds. A quarter is fully covered by a source when the
  source's span reaches from the quarter's first to its last day, within
  var('coverage_grace_days') at either end (a quiet first or last day of a source is not a gap).
  The report compares quarters, and dim_themes judges a theme's status, only inside these spans.
#}
with

tickets as (

    select * from {{ ref('int_ticket_sources_named') }}

),

final as (

    select
        source_name,
        min(created_at) as first_created_at,
        max(created_at) as last_created_at,
        cast(min(created_at) as date) as first_date,
        cast(max(created_at) as date) as last_date,
        cast(count(*) as {{ dbt.type_bigint() }}) as tickets,
        cast(sum(case when is_resolved then 1 else 0 end) as {{ dbt.type_bigint() }}) as resolved_tickets,
        cast({{ var('coverage_grace_days') }} as {{ dbt.type_int() }}) as grace_days
    from tickets
    group by source_name

)

select * from final
