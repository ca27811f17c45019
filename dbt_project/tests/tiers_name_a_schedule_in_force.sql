-- A warning, not an error: a tier that names a schedule the account does not have (a typo, or
-- the seed's ids once the help desk's schedules are exported) works the default schedule.
{{ config(severity='warn') }}
select tier, configured_schedule, schedule_id as default_schedule_id
from {{ ref('int_tier_schedules_resolved') }}
where is_default_schedule
    and configured_schedule is not null
    and trim(configured_schedule) <> ''
