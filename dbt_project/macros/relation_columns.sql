{#
  column_or: the column `name` of `relation` when the built relation has it, else `default`.

  For columns another part of the pipeline adds later (the per-source name of tickets) or that an
  older warehouse lacks: the model still builds, with the default. At parse time (nothing is
  built yet) it returns the default; at run time it asks the adapter for the relation's columns.
#}
{% macro column_or(relation, name, default) -%}
    {%- if execute -%}
        {%- set found = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
        {%- if name | lower in found -%}{{ adapter.quote(name) }}{%- else -%}{{ default }}{%- endif -%}
    {%- else -%}
        {{ default }}
    {%- endif -%}
{%- endmacro %}
