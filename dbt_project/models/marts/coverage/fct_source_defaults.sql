{#
  One row per source, raw table and column whose values the loader filled in by a rule because
  the export had none (a review export's status or solved_at): the rule and how many rows it
  filled. Read from raw.source_defaults, which the loader writes; a warehouse without that table
  (an older loader) gives no rows. The report marks every figure computed from such a column.
#}
{%- set recorded = adapter.get_relation(database=target.database, schema='raw', identifier='source_defaults')
    if execute else none -%}
{%- if recorded is not none %}
select
    cast(source_name as varchar) as source_name,
    cast(table_name as varchar) as table_name,
    cast(column_name as varchar) as column_name,
    cast(default_rule as varchar) as default_rule,
    cast(rows as {{ dbt.type_bigint() }}) as rows
from {{ recorded }}
{%- else %}
select
    cast(null as varchar) as source_name,
    cast(null as varchar) as table_name,
    cast(null as varchar) as column_name,
    cast(null as varchar) as default_rule,
    cast(null as {{ dbt.type_bigint() }}) as rows
where false
{%- endif %}
