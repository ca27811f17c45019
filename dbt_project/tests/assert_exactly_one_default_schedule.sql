-- Tiers that name no schedule work the default one: exactly one schedule in force must be it
-- (seed business_schedules.is_default, var default_schedule_id, or the first exported schedule).
select count(*) as default_schedules
from {{ ref('int_schedules_resolved') }}
where is_default
having count(*) <> 1
