{#
  One row per theme that has tickets. Status is judged inside each source's coverage: a ticket
  counts against the last week its own source has any ticket (that source's "now", so the same
  data always gives the same status, and a source whose files end earlier cannot make its
  themes look resolved; DECISIONS.md, "Coverage"). Summed over the theme's sources:
  emerging = every ticket in its source's last 4 weeks; resolved = no tickets in the last 4
  weeks; declining = last 4 weeks below half the 4-week average of the 8 weeks before; active
  otherwise. Impact = how much the overall metric
  would change without the theme's tickets (overall minus the metric over all other tickets).
  parent_theme_id is the theme's top-level group (dim_theme_groups); null for the low-information
  bucket.
#}
with

enriched as (

    select * from {{ ref('int_ticket_themes_enriched') }}

),

sources as (

    select ticket_id, source_name from {{ ref('int_tickets_enriched') }}

),

source_as_of as (

    select sources.source_name, max(enriched.created_week) as as_of_week
    from enriched
    inner join sources
        on enriched.ticket_id = sources.ticket_id
    group by sources.source_name

),

tickets as (

    select enriched.*, source_as_of.as_of_week
    from enriched
    inner join sources
        on enriched.ticket_id = sources.ticket_id
    inner join source_as_of
        on sources.source_name = source_as_of.source_name

),

themes as (

    select * from {{ ref('stg_topics__themes') }}
    where not is_ignored

),

theme_groups as (

    select * from {{ ref('stg_topics__theme_groups') }}

),

overall as (

    select
        avg(cast(csat_score as {{ type_double() }})) as csat_avg,
        cast(sum(csat_score) as {{ type_double() }}) as csat_sum,
        count(csat_score) as csat_count,
        avg(first_response_minutes) as first_response_avg,
        cast(sum(first_response_minutes) as {{ type_double() }}) as first_response_sum,
        count(first_response_minutes) as first_response_count
    from tickets

),

per_theme as (

    select
        tickets.theme_id,
        min(tickets.created_at) as first_seen_at,
        max(tickets.created_at) as last_seen_at,
        min(tickets.created_week) as first_week,
        count(*) as ticket_count,
        cast(sum(case when tickets.created_week > {{ dbt.dateadd('week', -4, 'tickets.as_of_week') }} then 1 else 0 end)
            as bigint) as tickets_last_4_weeks,
        cast(sum(case when tickets.created_week <= {{ dbt.dateadd('week', -4, 'tickets.as_of_week') }}
                  and tickets.created_week > {{ dbt.dateadd('week', -12, 'tickets.as_of_week') }} then 1 else 0 end)
            as bigint) as tickets_prior_8_weeks,
        avg(cast(tickets.csat_score as {{ type_double() }})) as csat_avg,
        cast(sum(tickets.csat_score) as {{ type_double() }}) as csat_sum,
        count(tickets.csat_score) as csat_count,
        {{ percentile_cont('tickets.first_response_minutes', 0.5) }} as median_first_response_minutes,
        cast(sum(tickets.first_response_minutes) as {{ type_double() }}) as first_response_sum,
        count(tickets.first_response_minutes) as first_response_count
    from tickets
    where tickets.theme_id is not null
    group by tickets.theme_id

),

final as (

    select
        themes.theme_id,
        themes.theme_name,
        themes.parent_group_id as parent_theme_id,
        theme_groups.group_name as parent_theme_name,
        themes.machine_label,
        themes.keywords,
        themes.representative_ticket_ids,
        themes.model_version,
        per_theme.first_seen_at,
        per_theme.last_seen_at,
        per_theme.ticket_count,
        per_theme.tickets_last_4_weeks,
        case
            when per_theme.tickets_last_4_weeks = per_theme.ticket_count then 'emerging'
            when per_theme.tickets_last_4_weeks = 0 then 'resolved'
            when per_theme.tickets_last_4_weeks < 0.5 * per_theme.tickets_prior_8_weeks / 2.0 then 'declining'
            else 'active'
        end as status,
        per_theme.csat_avg,
        per_theme.median_first_response_minutes,
        overall.csat_avg
            - (overall.csat_sum - per_theme.csat_sum) / nullif(overall.csat_count - per_theme.csat_count, 0)
            as csat_impact,
        overall.first_response_avg
            - (overall.first_response_sum - per_theme.first_response_sum)
              / nullif(overall.first_response_count - per_theme.first_response_count, 0)
            as first_response_impact_minutes
    from themes
    inner join per_theme
        on themes.theme_id = per_theme.theme_id
    left join theme_groups
        on themes.parent_group_id = theme_groups.theme_group_id
    cross join overall

)

select * from final
