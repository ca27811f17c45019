{#
  The address of a record in its source system: the template var (e.g. helpdesk_ticket_url,
  "https://acme.zendesk.com/agent/tickets/{id}") with its placeholder replaced by the record's
  key; null when the var is empty (no links configured). closedloop checks the templates
  (http(s), the placeholder once, no quotes) before passing them.
#}
{% macro drill_url(template_var, placeholder, key_column) -%}
    {%- set template = var(template_var) -%}
    {%- if template -%}
        replace('{{ template }}', '{{ placeholder }}', cast({{ key_column }} as {{ dbt.type_string() }}))
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}
