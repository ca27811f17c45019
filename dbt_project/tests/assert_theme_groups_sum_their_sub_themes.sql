-- The two theme levels agree: each group's ticket_count and sub_theme_count in dim_theme_groups
-- are the sums over its sub-themes in dim_themes, and each group-week of fct_theme_group_weekly
-- is the sum of its sub-themes' weeks in fct_theme_weekly. Returns a row per disagreement.
with

children as (

    select parent_theme_id as theme_group_id, sum(ticket_count) as ticket_count, count(*) as sub_themes
    from {{ ref('dim_themes') }}
    where parent_theme_id is not null
    group by parent_theme_id

),

group_totals as (

    select
        coalesce(g.theme_group_id, c.theme_group_id) as theme_group_id,
        cast(null as date) as week_start_date,
        g.ticket_count as group_tickets,
        c.ticket_count as sub_theme_tickets
    from {{ ref('dim_theme_groups') }} as g
    full outer join children as c
        on g.theme_group_id = c.theme_group_id
    where coalesce(g.ticket_count, -1) <> coalesce(c.ticket_count, -1)
        or coalesce(g.sub_theme_count, -1) <> coalesce(c.sub_themes, -1)

),

weekly_children as (

    select t.parent_theme_id as theme_group_id, w.week_start_date, sum(w.tickets) as tickets
    from {{ ref('fct_theme_weekly') }} as w
    inner join {{ ref('dim_themes') }} as t
        on w.theme_id = t.theme_id
    where t.parent_theme_id is not null
    group by t.parent_theme_id, w.week_start_date

),

weekly_mismatches as (

    select
        coalesce(g.theme_group_id, c.theme_group_id) as theme_group_id,
        coalesce(g.week_start_date, c.week_start_date) as week_start_date,
        g.tickets as group_tickets,
        c.tickets as sub_theme_tickets
    from {{ ref('fct_theme_group_weekly') }} as g
    full outer join weekly_children as c
        on g.theme_group_id = c.theme_group_id
        and g.week_start_date = c.week_start_date
    where coalesce(g.tickets, -1) <> coalesce(c.tickets, -1)

)

select * from group_totals
union all
select * from weekly_mismatches
