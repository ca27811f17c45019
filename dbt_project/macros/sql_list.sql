{#- A list var as a SQL list literal: ["solved", "closed"] -> ('solved', 'closed'). -#}
{% macro sql_list(values) -%}
    ({% for value in values %}'{{ value | replace("'", "''") }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}
