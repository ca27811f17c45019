{#
  Hash of several columns, for tables whose key spans columns (fct_support_daily,
  fct_agent_daily). Nulls become an empty string and fields are joined with '|', so
  ('a', null) and (null, 'a') differ. Same idea as dbt_utils.generate_surrogate_key, written
  here because the project installs no packages.
#}
{% macro surrogate_key(fields) -%}
    {%- set parts = [] -%}
    {%- for field in fields -%}
        {%- do parts.append("coalesce(cast(" ~ field ~ " as " ~ dbt.type_string() ~ "), '')") -%}
        {%- if not loop.last -%}{%- do parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
