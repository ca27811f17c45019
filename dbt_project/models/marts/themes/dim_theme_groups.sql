{#
  One row per top-level theme group with tickets: the sum of its sub-themes (the themes of
  dim_themes whose parent_theme_id it is). Status follows dim_themes' rule over the group's
  tickets, judged at the last week with any ticket.
#}
with

tickets as (

    select * from {{ ref('int_ticket_themes_enriched') }}
    where theme_id is not null

),

sub_themes as (

    select * from {{ ref('dim_themes') }}
    where parent_theme_id is not null

),

theme_groups as (

    select * from {{ ref('stg_topics__theme_groups') }}

),

as_of as (

    select max(created_week) as as_of_week from {{ ref('int_ticket_themes_enriched') }}

),

per_group as (

    select
        sub_themes.parent_theme_id as theme_group_id,
        count(distinct sub_themes.theme_id) as sub_theme_count,
        min(tickets.created_at) as first_seen_at,
        max(tickets.created_at) as last_seen_at,
        min(tickets.created_week) as first_week,
        count(*) as ticket_count,
        cast(sum(case when tickets.created_week > {{ dbt.dateadd('week', -4, 'as_of.as_of_week') }} then 1 else 0 end)
            as bigint) as tickets_last_4_weeks,
        cast(sum(case when tickets.created_week <= {{ dbt.dateadd('week', -4, 'as_of.as_of_week') }}
                  and tickets.created_week > {{ dbt.dateadd('week', -12, 'as_of.as_of_week') }} then 1 else 0 end)
            as bigint) as tickets_prior_8_weeks,
        avg(cast(tickets.csat_score as {{ type_double() }})) as csat_avg,
        {{ percentile_cont('tickets.first_response_minutes', 0.5) }} as median_first_response_minutes,
        max(as_of.as_of_week) as as_of_week
    from tickets
    inner join sub_themes
        on tickets.theme_id = sub_themes.theme_id
    cross join as_of
    group by sub_themes.parent_theme_id

),

final as (

    select
        theme_groups.theme_group_id,
        theme_groups.group_name,
        theme_groups.member_theme_ids,
        theme_groups.model_version,
        per_group.sub_theme_count,
        per_group.first_seen_at,
        per_group.last_seen_at,
        per_group.ticket_count,
        per_group.tickets_last_4_weeks,
        case
            when per_group.first_week > {{ dbt.dateadd('week', -4, 'per_group.as_of_week') }} then 'emerging'
            when per_group.tickets_last_4_weeks = 0 then 'resolved'
            when per_group.tickets_last_4_weeks < 0.5 * per_group.tickets_prior_8_weeks / 2.0 then 'declining'
            else 'active'
        end as status,
        per_group.csat_avg,
        per_group.median_first_response_minutes
    from theme_groups
    inner join per_group
        on theme_groups.theme_group_id = per_group.theme_group_id

)

select * from final
