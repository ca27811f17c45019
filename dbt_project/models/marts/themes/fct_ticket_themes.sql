with

assignments as (

    select * from {{ ref('stg_topics__ticket_themes') }}

),

themes as (

    select theme_id from {{ ref('stg_topics__themes') }}
    where not is_ignored and theme_kind = 'theme'

),

final as (

    select
        assignments.ticket_id,
        assignments.theme_id,
        assignments.probability,
        assignments.model_version,
        assignments.assigned_by,
        assignments.assigned_at,
        tickets.source_name
    from assignments
    inner join themes
        on assignments.theme_id = themes.theme_id
    inner join {{ ref('fct_tickets') }} as tickets
        on assignments.ticket_id = tickets.ticket_id

)

select * from final
