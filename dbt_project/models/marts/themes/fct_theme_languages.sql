with

tickets as (

    select * from {{ ref('int_ticket_themes_enriched') }}
    where theme_id is not null

),

counts as (

    select
        theme_id,
        coalesce(language, 'unknown') as language,
        count(*) as tickets
    from tickets
    group by theme_id, coalesce(language, 'unknown')

),

final as (

    select
        theme_id,
        language,
        tickets,
        cast(tickets as {{ type_double() }}) / sum(tickets) over (partition by theme_id) as share_of_theme
    from counts

)

select * from final
