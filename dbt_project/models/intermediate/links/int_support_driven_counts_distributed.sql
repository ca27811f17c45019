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
#}
with

items as (

    select quarter_key, support_probability as p from {{ ref('int_improvements_shipped') }}

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

    {# One factor 1 - p + p e^{i theta} per uncertain item and frequency, as (real, imaginary). #}
    select
        frequencies.quarter_key,
        frequencies.l,
        1 - items.p + items.p * cos(frequencies.theta) as re,
        items.p * sin(frequencies.theta) as im
    from frequencies
    inner join items
        on frequencies.quarter_key = items.quarter_key
        and items.p > 0
        and items.p < 1

),

products as (

    select
        frequencies.quarter_key,
        frequencies.uncertain_items,
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
    left join factors
        on frequencies.quarter_key = factors.quarter_key
        and frequencies.l = factors.l
    group by frequencies.quarter_key, frequencies.uncertain_items, frequencies.l, frequencies.theta

),

uncertain_counts as (

    select
        products.quarter_key,
        numbers.n as uncertain_driven,
        sum(products.modulus * cos(products.argument - products.theta * numbers.n))
            / (max(products.uncertain_items) + 1) as probability
    from products
    inner join numbers
        on numbers.n <= products.uncertain_items
    group by products.quarter_key, numbers.n

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
