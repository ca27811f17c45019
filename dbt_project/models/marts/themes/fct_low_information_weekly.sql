{#
  One row per week with resolved tickets: how many of its tickets are low-information (templates
  repeated in volume, one-word texts, texts without a content word: topics/lowinfo.py) and their
  share. These tickets belong to no theme, so theme lists, spikes and shares leave them out; this
  mart shows how many there are.
#}
with

tickets as (

    select * from {{ ref('int_ticket_themes_enriched') }}

),

final as (

    select
        created_week as week_start_date,
        count(*) filter (where is_low_information) as low_information_tickets,
        count(*) as tickets,
        cast(count(*) filter (where is_low_information) as {{ type_double() }}) / count(*) as low_information_share
    from tickets
    group by created_week

)

select * from final
