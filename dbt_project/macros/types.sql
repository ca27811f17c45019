{# A 64-bit float column type (dbt.type_float() is 32-bit FLOAT on DuckDB). #}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'closedloop')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro bigquery__type_double() -%}
    float64
{%- endmacro %}
