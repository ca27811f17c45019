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

{#
  z-score of a rise in a daily rate: recent events in recent_days against baseline events in the
  baseline_days before them. Under "no change" each of the n = recent + baseline events falls in
  the recent window with probability p = recent_days / (recent_days + baseline_days), so
  z = (recent - n p) / sqrt(n p (1 - p)) (null without events); z > 0 means the rate rose.
#}
{% macro rise_z_score(recent, baseline, recent_days, baseline_days) -%}
    {%- set p = (recent_days / (recent_days + baseline_days)) | round(6) -%}
    case
        when ({{ recent }}) + ({{ baseline }}) > 0
        then (({{ recent }}) - ({{ recent }} + {{ baseline }}) * {{ p }})
            / sqrt(cast((({{ recent }}) + ({{ baseline }})) * {{ p * (1 - p) }} as {{ type_double() }}))
    end
{%- endmacro %}
