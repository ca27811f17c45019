{#
  The schedule each tier works: the account's configuration (closedloop-sources.yml, account:
  tiers: schedule) or else support_tiers.schedule_id names a schedule in force by its id
  or by its name (ignoring case and surrounding spaces). A tier that names none, or a schedule
  that is not in force (the seed's ids once the help desk's schedules are exported), works the
  default schedule, as a Zendesk ticket no trigger gave a schedule does. is_default_schedule
  says so; a warning test lists tiers whose named schedule was not found.
#}
with

account_schedules as (

    select tier, min(schedule_id) as schedule_id
    from {{ ref('stg_helpdesk__group_tiers') }}
    where schedule_id is not null
    group by tier

),

tiers as (

    select
        support_tiers.tier,
        coalesce(account_schedules.schedule_id, support_tiers.schedule_id) as configured_schedule
    from {{ ref('support_tiers') }} as support_tiers
    left join account_schedules
        on support_tiers.tier = account_schedules.tier

),

schedules as (

    select * from {{ ref('int_schedules_resolved') }}

),

matched as (

    select
        tiers.tier,
        tiers.configured_schedule,
        schedules.schedule_id,
        row_number() over (
            partition by tiers.tier
            order by case when schedules.schedule_id = tiers.configured_schedule then 0 else 1 end,
                schedules.schedule_id
        ) as match_rank
    from tiers
    inner join schedules
        on schedules.schedule_id = tiers.configured_schedule
        or lower(trim(schedules.schedule_name)) = lower(trim(tiers.configured_schedule))

),

default_schedule as (

    select min(schedule_id) as schedule_id
    from schedules
    where is_default

),

resolved as (

    select
        tiers.tier,
        tiers.configured_schedule,
        coalesce(matched.schedule_id, default_schedule.schedule_id) as schedule_id,
        matched.schedule_id is null as is_default_schedule
    from tiers
    cross join default_schedule
    left join matched
        on tiers.tier = matched.tier
        and matched.match_rank = 1

)

select
    resolved.*,
    schedules.time_zone
from resolved
left join schedules
    on resolved.schedule_id = schedules.schedule_id
