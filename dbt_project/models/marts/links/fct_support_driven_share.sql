{#
  One row per calendar quarter in which improvements shipped: how many shipped, how many
  support drove (an accepted theme link), the share, and its bounds from link uncertainty.

  The bounds are fct_support_driven_share_interval's share_low and share_high: quantiles of the
  exact distribution of the support-driven count when each improvement is support-driven with
  its probability (DECISIONS.md, "The share's interval"), widened to contain the share.
#}
with

intervals as (

    select * from {{ ref('fct_support_driven_share_interval') }}

),

final as (

    select
        quarter_key,
        quarter_start_date,
        shipped_items,
        support_driven_items,
        share as support_driven_share,
        share_low as support_driven_share_lower,
        share_high as support_driven_share_upper
    from intervals

)

select * from final
