{#
  Reading the JSON the help desk exports (schedule intervals, SLA filters and metrics, ticket
  tags), one macro per spot where warehouses differ (DECISIONS.md, "Portability").

  json_record_elements(json_text, fields) is a set-returning select item: one row per element
  of a JSON array of objects. record_field(record, name) reads one field of such an element,
  typed as fields[name] says (DuckDB type names: INTEGER, DOUBLE, BOOLEAN, VARCHAR).
  DuckDB parses the array into typed structs with from_json; PostgreSQL walks jsonb elements.
#}
{% macro json_record_elements(json_text, fields) -%}
    {{ return(adapter.dispatch('json_record_elements', 'closedloop')(json_text, fields)) }}
{%- endmacro %}

{% macro duckdb__json_record_elements(json_text, fields) -%}
    unnest(from_json({{ json_text }}, '[{{ tojson(fields) }}]'))
{%- endmacro %}

{% macro postgres__json_record_elements(json_text, fields) -%}
    jsonb_array_elements(case when jsonb_typeof(cast({{ json_text }} as jsonb)) = 'array'
        then cast({{ json_text }} as jsonb) else cast('[]' as jsonb) end)
{%- endmacro %}

{% macro record_field(record, name, fields) -%}
    {{ return(adapter.dispatch('record_field', 'closedloop')(record, name, fields)) }}
{%- endmacro %}

{% macro duckdb__record_field(record, name, fields) -%}
    {{ record }}.{{ name }}
{%- endmacro %}

{% macro postgres__record_field(record, name, fields) -%}
    {%- set types = {'INTEGER': 'integer', 'DOUBLE': 'double precision', 'BOOLEAN': 'boolean', 'VARCHAR': 'text'} -%}
    cast({{ record }} ->> '{{ name }}' as {{ types[fields[name]] }})
{%- endmacro %}

{# The member `key` of a JSON object text, as JSON (null when absent). #}
{% macro json_member(json_text, key) -%}
    {{ return(adapter.dispatch('json_member', 'closedloop')(json_text, key)) }}
{%- endmacro %}

{% macro duckdb__json_member(json_text, key) -%}
    json_extract({{ json_text }}, '$.{{ key }}')
{%- endmacro %}

{% macro postgres__json_member(json_text, key) -%}
    (cast({{ json_text }} as jsonb) -> '{{ key }}')
{%- endmacro %}

{#
  Whether a JSON array of tag strings shares a tag with a space-separated list. Text that is not
  a JSON array counts as no tags.
#}
{% macro json_tags_overlap(tags_json, space_separated) -%}
    {{ return(adapter.dispatch('json_tags_overlap', 'closedloop')(tags_json, space_separated)) }}
{%- endmacro %}

{% macro duckdb__json_tags_overlap(tags_json, space_separated) -%}
    (len(list_intersect(
        coalesce(try(from_json({{ tags_json }}, '["VARCHAR"]')), []),
        string_split(trim({{ space_separated }}), ' ')
    )) > 0)
{%- endmacro %}

{% macro postgres__json_tags_overlap(tags_json, space_separated) -%}
    (case when {{ tags_json }} ~ '^\s*\[.*\]\s*$' then exists (
        select 1 from jsonb_array_elements_text(cast({{ tags_json }} as jsonb)) as tag(value)
        where tag.value = any(string_to_array(trim({{ space_separated }}), ' '))
    ) else false end)
{%- endmacro %}
