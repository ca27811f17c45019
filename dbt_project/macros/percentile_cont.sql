{#
  Interpolated percentile of a numeric expression, as an aggregate.

  percentile_cont(expr, 0.5) is the interpolated median: for an even count it is the mean of
  the two middle values. The default form is the SQL standard ordered-set aggregate
  (Postgres, Snowflake, Redshift); DuckDB spells it quantile_cont.
#}
{% macro percentile_cont(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'closedloop')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__percentile_cont(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}
