{#
  One row per calendar quarter with shipped improvements and per possible number k of
  support-driven improvements in it: the probability that exactly k of them are support-driven
  when each improvement is support-driven with its own probability (support_probability of
  int_improvements_shipped: the calibrated confidence of its best link that was not rejected,
  1 when a person confirmed a link, 0 without links or when every link was rejected), independently.

  That count follows a Poisson-binomial distribution. It is computed exactly with its discrete
  Fourier transform (Fernandez & Williams 2010, "Closed-form expression for the Poisson-binomial
  probability density function", IEEE Trans. Aerospace and Electronic Systems 46(2)):
  for the m items with 0 < p < 1 and theta_l = 2 pi l / (m + 1),
    P(K = j) = 1 / (m + 1) * sum_l Re( prod_i (1 - p_i + p_i e^{i theta_l}) * e^{-i theta_l j} ),
  each product taken as exp(sum of log moduli) and the sum of arguments (atan2). Items with
  p = 1 add one to every count, items with p = 0 nothing. Plain SQL (no recursion, no
  sampling), the same on DuckDB and PostgreSQL; up to 9,999 uncertain items per quarter.
  DECISIONS.md, "The share's interval".

  The probabilities are calibrated on other data than this account's, so they may all be off
  together. The account's own probabilities are taken as logit(p') = logit(p) + delta with one
  shared delta ~ Normal(0, share_calibration_sd^2) (a recalibration-in-the-large shift, Cox 1958),
  and the distribution is the mixture over delta of the Poisson-binomials of p', integrated with
  9-point Gauss-Hermite quadrature (nodes sqrt(2) * sd * t_i, weights w_i / sqrt(pi)). Reviewed
  items (p = 0 or 1) are not shifted. share_calibration_sd = 0 gives the plain Poisson-binomial.
#}
{%- set sd = var('share_calibration_sd') | float -%}
{%- if sd > 0 -%}
{%- set hermite = [
    (-3.1909932017815277, 2.2345844007746576e-05), (-2.266580584531843, 0.0027891413212317653),
    (-1.468553289216668, 0.04991640676521791), (-0.7235510187528376, 0.2440975028949394),
    (0.0, 0.4063492063492064), (0.7235510187528376, 0.2440975028949394),
    (1.468553289216668, 0.04991640676521791), (2.266580584531843, 0.0027891413212317653),
    (3.1909932017815277, 2.2345844007746576e-05)] -%}
{%- else -%}
{%- set hermite = [(0.0, 1.0)] -%}
{%- endif -%}
with

items as (

    select quarter_key, support_probability as p from {{ ref('int_improvements_shipped') }}

),

shifts as (

    {# The quadrature nodes: a shift of every uncertain item's logit, and its weight. #}
    {%- for t, w in hermite %}
    select {{ loop.index }} as node, cast({{ (2 ** 0.5) * sd * t }} as {{ type_double() }}) as shift,
        cast({{ w }} as {{ type_double() }}) as weight
    {%- if not loop.last %} union all{% endif %}
    {%- endfor %}

),

shifted as (

    {# Each uncertain item's probability at each node: sigmoid(logit(p) + shift). #}
    select
        items.quarter_key,
        shifts.node,
        1 / (1 + exp(-(ln(items.p / (1 - items.p)) + shifts.shift))) as p
    from items
    cross join shifts
    where items.p > 0 and items.p < 1

),

quarters as (

    select
        quarter_key,
        sum(case when p >= 1 then 1 else 0 end) as certain_items,
        sum(case when p > 0 and p < 1 then 1 else 0 end) as uncertain_items
    from items
    group by quarter_key

),

digits as (

    select 0 as d union all select 1 union all select 2 union all select 3 union all select 4
    union all select 5 union all select 6 union all select 7 union all select 8 union all select 9

),

numbers as (

    select units.d + 10 * tens.d + 100 * hundreds.d + 1000 * thousands.d as n
    from digits as units
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands

),

frequencies as (

    {# l = 0 .. m for each quarter; theta_l = 2 pi l / (m + 1). #}
    select
        quarters.quarter_key,
        quarters.uncertain_items,
        numbers.n as l,
        cast(2 * pi() * numbers.n as {{ type_double() }}) / (quarters.uncertain_items + 1) as theta
    from quarters
    inner join numbers
        on numbers.n <= quarters.uncertain_items

),

factors as (

    {# One factor 1 - p + p e^{i theta} per uncertain item, node and frequency, as (real, imaginary). #}
    select
        frequencies.quarter_key,
        shifted.node,
        frequencies.l,
        1 - shifted.p + shifted.p * cos(frequencies.theta) as re,
        shifted.p * sin(frequencies.theta) as im
    from frequencies
    inner join shifted
        on frequencies.quarter_key = shifted.quarter_key

),

products as (

    select
        frequencies.quarter_key,
        frequencies.uncertain_items,
        shifts.node,
        frequencies.l,
        frequencies.theta,
        {# A factor is 0 only for p = 0.5 at theta = pi: then the whole product is 0. #}
        case
            when sum(case when factors.re * factors.re + factors.im * factors.im < 1e-24 then 1 else 0 end) > 0
                then 0.0
            else exp(coalesce(sum(0.5 * ln(
                case when factors.re * factors.re + factors.im * factors.im < 1e-24 then 1.0
                else factors.re * factors.re + factors.im * factors.im end)), 0))
        end as modulus,
        coalesce(sum(atan2(factors.im, factors.re)), 0) as argument
    from frequencies
    cross join shifts
    left join factors
        on frequencies.quarter_key = factors.quarter_key
        and shifts.node = factors.node
        and frequencies.l = factors.l
    group by frequencies.quarter_key, frequencies.uncertain_items, shifts.node, frequencies.l, frequencies.theta

),

uncertain_counts_per_node as (

    select
        products.quarter_key,
        products.node,
        numbers.n as uncertain_driven,
        sum(products.modulus * cos(products.argument - products.theta * numbers.n))
            / (max(products.uncertain_items) + 1) as probability
    from products
    inner join numbers
        on numbers.n <= products.uncertain_items
    group by products.quarter_key, products.node, numbers.n

),

uncertain_counts as (

    {# The mixture over the shared shift: the nodes' distributions, weighted. #}
    select
        uncertain_counts_per_node.quarter_key,
        uncertain_counts_per_node.uncertain_driven,
        sum(shifts.weight * uncertain_counts_per_node.probability) as probability
    from uncertain_counts_per_node
    inner join shifts
        on uncertain_counts_per_node.node = shifts.node
    group by uncertain_counts_per_node.quarter_key, uncertain_counts_per_node.uncertain_driven

),

final as (

    select
        quarters.quarter_key,
        cast(quarters.certain_items + uncertain_counts.uncertain_driven as {{ dbt.type_bigint() }})
            as support_driven_items,
        {# Floating point leaves errors of about 1e-15: rounded to 12 decimals, never negative. #}
        cast({{ round_number('case when uncertain_counts.probability < 0 then 0 else uncertain_counts.probability end', 12) }}
            as {{ type_double() }}) as probability
    from uncertain_counts
    inner join quarters
        on uncertain_counts.quarter_key = quarters.quarter_key

)

select * from final
