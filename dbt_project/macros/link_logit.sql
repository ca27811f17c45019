{#- The logit of a theme-to-item link's confidence with the coefficients w (a link_confidence
    var), over the columns of the `evidence` relation (int_theme_item_evidence_combined): the
    evidence known when the item was created, plus the fall after shipping when after_shipping.
    Component terms only when w has them (link_confidence_without_components has none); the
    planned-label, look-alike and sibling terms only when w has them (coefficients fitted before them). -#}
{% macro link_logit(w, after_shipping=false) -%}
    ({{ w.intercept }}
    + {{ w.explicit_share }} * coalesce(evidence.explicit_share, 0)
    + {{ w.explicit_any }} * case when coalesce(evidence.explicit_tickets, 0) > 0 then 1 else 0 end
    + {{ w.similarity }} * coalesce(evidence.similarity, 0)
    + {{ w.agreement }} * coalesce(evidence.similarity, 0) * coalesce(evidence.theme_agreement, 0)
    + {{ w.top_theme }} * case when evidence.similarity_rank = 1 then 1 else 0 end
    + {{ w.log_tickets_before }} * ln(1 + coalesce(evidence.theme_tickets_before_created, 0))
    + {{ w.support_label }} * case when evidence.has_support_label then 1 else 0 end
    {%- if 'planned_label' in w %}
    + {{ w.planned_label }} * case when evidence.has_planned_label then 1 else 0 end
    {%- endif %}
    {%- if 'component_fix_rate' in w %}
    + {{ w.component_fix_rate }} * coalesce(evidence.component_fix_rate, 0)
    + {{ w.component_theme }} * coalesce(evidence.component_fix_rate, 0) * coalesce(evidence.component_theme_share, 0)
    {%- endif %}
    {%- if 'lookalike' in w %}
    + {{ w.lookalike }} * coalesce(evidence.lookalike_similarity, 0)
    {%- endif %}
    {%- if 'sibling_fix' in w %}
    + {{ w.sibling_fix }} * case when coalesce(evidence.sibling_fixes, 0) > 0 then 1 else 0 end
    {%- endif %}
    + {{ w.rise_z }} * greatest(least(coalesce(evidence.rise_before_created_z, 0), 6), -3)
    {%- if after_shipping %}
    + {{ w.drop_z }} * greatest(least(coalesce(evidence.drop_after_shipped_z, 0), 6), -3)
    {%- endif %})
{%- endmacro %}
