{#
  The read-only role of BI tools (Superset) on PostgreSQL: DECISIONS.md, "Read-only role".

  dbt drops and recreates each mart on every build, so a GRANT made by hand vanishes with the old
  table. dbt's own `grants` config (https://docs.getdbt.com/reference/resource-configs/grants)
  is applied by the materialization to the new table before it is swapped in, so the role can
  read every mart after every build. The config is in dbt_project.yml (models: marts: +grants;
  macros are not available there): the role of $CLOSEDLOOP_WAREHOUSE_READER_ROLE (closedloop
  checks it is a plain lower-case identifier) on PostgreSQL; unset, or on DuckDB (no roles, and
  dbt-duckdb warns on any grant), no grant is configured at all.
#}
{#
  on-run-end: USAGE on every schema holding a model whose grants name the role (the marts), so
  the role can reach the tables it may select. Dispatched: nothing but PostgreSQL runs it.
#}
{% macro grant_reader_usage() -%}
    {{ return(adapter.dispatch('grant_reader_usage', 'closedloop')()) }}
{%- endmacro %}

{% macro default__grant_reader_usage() -%}
{%- endmacro %}

{% macro postgres__grant_reader_usage() -%}
    {%- set role = env_var('CLOSEDLOOP_WAREHOUSE_READER_ROLE', '') | trim -%}
    {%- if role and execute -%}
        {%- set schemas = [] -%}
        {%- for node in graph.nodes.values()
              if node.resource_type == 'model' and role in (node.config.grants or {}).get('select', []) -%}
            {%- do schemas.append(node.schema) -%}
        {%- endfor -%}
        {%- if schemas -%}
            grant usage on schema {{ schemas | unique | join(', ') }} to {{ role }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
