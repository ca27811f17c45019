{#
  One-sided test of a fall in a count between two windows of equal length. Under "no change"
  each of the before + after events falls in either window with probability 1/2, so
  z = (before - after) / sqrt(before + after) (null without events), and the p-value of a fall
  is 1 - Phi(z), Phi approximated by the logistic 1 / (1 + exp(-(1.5976 z + 0.07056 z^3)))
  (error below 2e-4; plain SQL on every warehouse). Used by the link evidence and by
  fct_improvement_impact, so both judge a fall the same way.
#}
{% macro drop_z_score(before, after) -%}
    case
        when ({{ before }}) + ({{ after }}) > 0
        then (({{ before }}) - ({{ after }})) / sqrt(cast(({{ before }}) + ({{ after }}) as {{ type_double() }}))
    end
{%- endmacro %}

{% macro drop_p_value(z) -%}
    (1.0 - 1.0 / (1.0 + exp(-(1.5976 * ({{ z }}) + 0.07056 * power({{ z }}, 3)))))
{%- endmacro %}
