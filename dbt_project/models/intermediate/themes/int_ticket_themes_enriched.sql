{#
  One row per resolved ticket: its theme (null for outliers, ignored themes and the
  low-information bucket, which is_low_information flags), the week it was created in, and the
  ticket facts theme metrics need (CSAT, first response, language).
#}
with

tickets as (

    select * from {{ ref('fct_tickets') }}

),

assignments as (

    select * from {{ ref('stg_topics__ticket_themes') }}

),

themes as (

    select * from {{ ref('stg_topics__themes') }}

),

languages as (

    select * from {{ ref('stg_topics__ticket_languages') }}

),

calendar as (

    select date_day, week_start_date from {{ ref('dim_calendar') }}

),

final as (

    select
        tickets.ticket_id,
        tickets.requester_id,
        case
            when themes.is_ignored or themes.theme_kind = 'low_information' then null
            else assignments.theme_id
        end as theme_id,
        coalesce(themes.theme_kind = 'low_information', false) as is_low_information,
        assignments.probability as theme_probability,
        tickets.created_at,
        calendar.week_start_date as created_week,
        tickets.csat_score,
        tickets.first_response_minutes,
        coalesce(languages.detected_language, tickets.language) as language
    from tickets
    left join assignments
        on tickets.ticket_id = assignments.ticket_id
    left join themes
        on assignments.theme_id = themes.theme_id
    left join languages
        on tickets.ticket_id = languages.ticket_id
    inner join calendar
        on tickets.created_date = calendar.date_day

)

select * from final
