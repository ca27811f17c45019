{#
  Calendar minutes from one timestamp to another, with fractions (seconds / 60).

  dbt.datediff(..., 'minute') counts minute boundaries crossed (10:00:59 -> 10:01:00 is one
  minute), which is not what a response-time metric means; seconds are exact for timestamps
  stored to the second.
#}
{% macro minutes_between(start_timestamp, end_timestamp) -%}
    ({{ dbt.datediff(start_timestamp, end_timestamp, 'second') }} / 60.0)
{%- endmacro %}
