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

{#
  A number rounded to `places` decimals, as text the way DuckDB prints a double: 0.8 as '0.8',
  2 as '2.0'. PostgreSQL rounds numerics only, and prints a whole double without '.0'.
#}
{% macro round_text(expression, places) -%}
    {{ return(adapter.dispatch('round_text', 'closedloop')(expression, places)) }}
{%- endmacro %}

{% macro default__round_text(expression, places) -%}
    {{ dbt.cast("round(" ~ expression ~ ", " ~ places ~ ")", api.Column.translate_type("string")) }}
{%- endmacro %}

{% macro postgres__round_text(expression, places) -%}
    {%- set rounded = "round(cast(" ~ expression ~ " as numeric), " ~ places ~ ")" -%}
    (case when {{ rounded }} = trunc({{ rounded }})
        then cast(cast({{ rounded }} as bigint) as text) || '.0'
        else cast(cast({{ rounded }} as double precision) as text) end)
{%- endmacro %}

{#
  round(expression, places) with halves rounded away from zero, as DuckDB rounds a double
  (12.5 -> 13). PostgreSQL's round() of a double rounds halves to even (12.5 -> 12); of a numeric, away.
#}
{% macro round_number(expression, places=0) -%}
    {{ return(adapter.dispatch('round_number', 'closedloop')(expression, places)) }}
{%- endmacro %}

{% macro default__round_number(expression, places=0) -%}
    round({{ expression }}{% if places %}, {{ places }}{% endif %})
{%- endmacro %}

{% macro postgres__round_number(expression, places=0) -%}
    cast(round(cast({{ expression }} as numeric), {{ places }}) as double precision)
{%- endmacro %}
