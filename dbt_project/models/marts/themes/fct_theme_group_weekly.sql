{#
  One row per top-level theme group and week, from the group's first week (its earliest
  sub-theme's) to the last week with any ticket: the sum of its sub-themes' weekly tickets in
  fct_theme_weekly, so the two levels always agree.
#}
with

weekly as (

    select * from {{ ref('fct_theme_weekly') }}

),

sub_themes as (

    select theme_id, parent_theme_id from {{ ref('dim_themes') }}
    where parent_theme_id is not null

),

final as (

    select
        sub_themes.parent_theme_id as theme_group_id,
        weekly.week_start_date,
        cast(sum(weekly.tickets) as bigint) as tickets,
        max(weekly.all_tickets) as all_tickets,
        cast(sum(weekly.tickets) as {{ type_double() }}) / nullif(max(weekly.all_tickets), 0) as share_of_tickets,
        cast(sum(case when weekly.tickets > 0 then 1 else 0 end) as bigint) as sub_themes_with_tickets,
        coalesce(bool_or(weekly.is_spike), false) as has_sub_theme_spike
    from weekly
    inner join sub_themes
        on weekly.theme_id = sub_themes.theme_id
    group by sub_themes.parent_theme_id, weekly.week_start_date

)

select * from final
