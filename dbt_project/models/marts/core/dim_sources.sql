{#
  One row per feedback source (fct_tickets.source_name): which channels its tickets came by, the
  days its data covers (first and last ticket created, any status) and which of its ticket columns
  were filled by rule or emptied (dim_source_defaults). A quarter is covered by a source when it
  lies between covered_from and covered_to, within grace_days (var('coverage_grace_days')) at
  either end, since a quiet first or last day is not a gap; the report compares quarters, and
  dim_themes judges a theme's status, only inside these spans (DECISIONS.md, "Coverage").
#}
with

tickets as (

    select * from {{ ref('int_tickets_enriched') }}

),

defaults as (

    select * from {{ ref('dim_source_defaults') }}
    where table_name = 'tickets'

),

defaulted as (

    select
        source_name,
        string_agg(distinct column_name, ', ' order by column_name) filter (where not is_emptied)
            as defaulted_columns,
        string_agg(distinct column_name, ', ' order by column_name) filter (where is_emptied)
            as emptied_columns
    from defaults
    group by source_name

),

per_source as (

    select
        source_name,
        string_agg(distinct channel, ', ' order by channel) as channels,
        cast(count(*) as {{ dbt.type_bigint() }}) as tickets,
        cast(sum(case when is_resolved then 1 else 0 end) as {{ dbt.type_bigint() }}) as resolved_tickets,
        min(created_at) as first_created_at,
        max(created_at) as last_created_at
    from tickets
    group by source_name

),

final as (

    select
        per_source.source_name,
        per_source.channels,
        per_source.tickets,
        per_source.resolved_tickets,
        per_source.first_created_at,
        per_source.last_created_at,
        cast(per_source.first_created_at as date) as covered_from,
        cast(per_source.last_created_at as date) as covered_to,
        cast({{ var('coverage_grace_days') }} as {{ dbt.type_int() }}) as grace_days,
        defaulted.defaulted_columns,
        defaulted.emptied_columns
    from per_source
    left join defaulted
        on per_source.source_name = defaulted.source_name

)

select * from final
