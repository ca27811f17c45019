{#
  A post-hook of every table model: on PostgreSQL, ANALYZE the table just built, so the models
  that read it are planned with its real row counts and value distributions. PostgreSQL keeps no
  statistics of a table made by CREATE TABLE AS until autovacuum gets to it; without them a join
  of two large tables is planned as a nested loop over "1 row" estimates. DuckDB keeps its own
  statistics as it writes: nothing to do there (an empty hook is skipped).
#}
{% macro refresh_statistics() %}
    {%- if target.type == 'postgres' and config.get('materialized') in ('table', 'incremental') -%}
        analyze {{ this }}
    {%- endif -%}
{% endmacro %}
