{#
  One row per ticket (resolved or not): the feedback source it came from (the per-source name:
  app, brand, product) and when it was created. Tickets of an export without a per-source name
  belong to one source, var('default_source_name').
#}
with

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}

),

final as (

    select
        ticket_id,
        cast(coalesce(
            {{ column_or(ref('stg_helpdesk__tickets'), 'source_name', 'null') }},
            '{{ var("default_source_name") }}'
        ) as varchar) as source_name,
        created_at,
        is_resolved
    from tickets

)

select * from final
