{#
  Small date helpers the built-in cross-database macros do not cover.
#}

{# ISO day of week of a date: 1 = Monday ... 7 = Sunday. #}
{% macro iso_day_of_week(date_expression) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'closedloop')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date_expression) -%}
    cast(extract(isodow from {{ date_expression }}) as {{ dbt.type_int() }})
{%- endmacro %}

{% macro snowflake__iso_day_of_week(date_expression) -%}
    dayofweekiso({{ date_expression }})
{%- endmacro %}

{# Minutes after midnight of a 'HH:MM' text ('24:00' is 1440). #}
{% macro clock_text_to_minutes(text_expression) -%}
    (cast({{ dbt.split_part(text_expression, "':'", 1) }} as {{ dbt.type_int() }}) * 60
     + cast({{ dbt.split_part(text_expression, "':'", 2) }} as {{ dbt.type_int() }}))
{%- endmacro %}
