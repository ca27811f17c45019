{#
  One row per (item, theme) pair with a human decision. Decisions recorded in the warehouse
  (review.link_decisions, written by `closedloop review`) win; rows of the optional link_reviews
  seed count for the pairs the warehouse has no decision on, so a CSV of reviews still works.
#}
with

source as (

    select * from {{ source('review', 'link_decisions') }}

),

seed as (

    select * from {{ ref('link_reviews') }}

),

renamed as (

    select
        item_id,
        theme_id,
        decision,
        reviewer,
        {{ dbt.cast('reviewed_at', api.Column.translate_type('timestamp')) }} as reviewed_at,
        note,
        'warehouse' as decided_in
    from source

),

from_seed as (

    select
        seed.item_id,
        seed.theme_id,
        seed.decision,
        seed.reviewer,
        {{ dbt.cast('seed.reviewed_at', api.Column.translate_type('timestamp')) }} as reviewed_at,
        seed.note,
        'seed' as decided_in
    from seed
    left join renamed
        on seed.item_id = renamed.item_id
        and seed.theme_id = renamed.theme_id
    where renamed.item_id is null

),

unioned as (

    select * from renamed
    union all
    select * from from_seed

)

select * from unioned
