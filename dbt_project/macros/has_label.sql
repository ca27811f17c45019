{#- Whether a JSON list of labels (a string such as '["okr", "mobile"]') holds any of `labels`
    as a whole label: "roadmap-review" does not count as "roadmap". -#}
{% macro has_label(column, labels) -%}
    (
        {%- for label in labels %}
        coalesce({{ column }}, '') like '%"{{ label }}"%' or
        {%- endfor %}
        false
    )
{%- endmacro %}
