{#
  Which inputs of the marts were not in the exports: per feedback source, raw table, column and
  rule, how many rows a rule filled (a review's status 'solved', channel 'review', solved_at =
  created_at) or emptied. A metric built on such a column (resolution time of reviews, say)
  describes the rule, not the source; the quarterly report marks it.
#}
with

defaults as (

    select * from {{ ref('stg_ingest__source_defaults') }}

),

final as (

    select
        {{ surrogate_key(['source_name', 'table_name', 'column_name', 'default_rule']) }} as source_default_key,
        source_name,
        table_name,
        column_name,
        default_rule,
        starts_with(default_rule, 'emptied') as is_emptied,
        cast(sum(defaulted_rows) as {{ dbt.type_bigint() }}) as defaulted_rows,
        cast(count(distinct source_file) as {{ dbt.type_int() }}) as files,
        max(loaded_at) as last_loaded_at
    from defaults
    group by source_name, table_name, column_name, default_rule

)

select * from final
