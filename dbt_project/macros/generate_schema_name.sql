{#
  Models land in the schema their folder configures (staging, intermediate, marts, seeds), not
  in "<target schema>_<custom schema>": the warehouse is ours alone, and Superset, the report
  and Dagster look for marts.fct_tickets, not main_marts.fct_tickets.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
