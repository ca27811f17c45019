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

{#
  Time zones. Timestamps in the warehouse are UTC without a zone; a schedule's hours are wall
  time in its IANA time zone. DuckDB's ICU extension (built in, no download) knows the zones and
  their daylight-saving rules: timezone(zone, timestamp) reads a zone-less timestamp as wall time
  in that zone, timezone(zone, timestamptz) gives the wall time of an instant there.
#}
{% macro utc_to_local(utc_timestamp, time_zone) -%}
    {{ return(adapter.dispatch('utc_to_local', 'closedloop')(utc_timestamp, time_zone)) }}
{%- endmacro %}

{#- UTC schedules (the seed's) skip the conversion: it is the identity, and the clocks call it
    for every segment of every ticket. -#}
{% macro default__utc_to_local(utc_timestamp, time_zone) -%}
    case when {{ time_zone }} = 'UTC' then {{ utc_timestamp }}
        else timezone({{ time_zone }}, timezone('UTC', {{ utc_timestamp }})) end
{%- endmacro %}

{% macro snowflake__utc_to_local(utc_timestamp, time_zone) -%}
    convert_timezone('UTC', {{ time_zone }}, {{ utc_timestamp }})
{%- endmacro %}

{% macro local_to_utc(local_timestamp, time_zone) -%}
    {{ return(adapter.dispatch('local_to_utc', 'closedloop')(local_timestamp, time_zone)) }}
{%- endmacro %}

{% macro default__local_to_utc(local_timestamp, time_zone) -%}
    timezone('UTC', timezone({{ time_zone }}, {{ local_timestamp }}))
{%- endmacro %}

{% macro snowflake__local_to_utc(local_timestamp, time_zone) -%}
    convert_timezone({{ time_zone }}, 'UTC', {{ local_timestamp }})
{%- endmacro %}

{#- Order of ticket priorities for SLA conditions: low 1, normal 2, high 3, urgent 4. -#}
{% macro priority_rank(expression) -%}
    case lower({{ expression }}) when 'low' then 1 when 'normal' then 2 when 'high' then 3 when 'urgent' then 4 end
{%- endmacro %}
