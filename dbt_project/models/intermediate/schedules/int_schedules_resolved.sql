{#
  The business schedules in force: the help desk's exported schedules when the export has any
  (stg_helpdesk__schedules), otherwise the business_schedules seed. The two are never mixed: an
  account that exports its schedules defines all of them.

  The default schedule applies to a tier that names no schedule, or one that matches none:
  var default_schedule_id (an id or a name) when set; otherwise, for exported schedules, the
  first one created (as fivetran/dbt_zendesk does: "Your default schedule is used for all
  tickets, unless you set up a trigger to apply a specific schedule"), and for the seed the row
  with is_default.
#}
with

exported as (

    select * from {{ ref('stg_helpdesk__schedules') }}

),

seeded as (

    select * from {{ ref('business_schedules') }}

),

export_size as (

    select count(*) as exported_schedules from exported

),

candidates as (

    select
        schedule_id,
        schedule_name,
        time_zone,
        true as observes_holidays,
        'export' as schedule_source,
        row_number() over (order by created_at, schedule_id) = 1 as is_first
    from exported

    union all

    select
        schedule_id,
        schedule_name,
        coalesce(time_zone, 'UTC') as time_zone,
        observes_holidays,
        'seed' as schedule_source,
        coalesce(is_default, false) as is_first
    from seeded
    where (select exported_schedules from export_size) = 0

),

resolved as (

    select
        schedule_id,
        schedule_name,
        time_zone,
        observes_holidays,
        schedule_source,
        {% if var('default_schedule_id', none) %}
        (schedule_id = '{{ var("default_schedule_id") }}'
            or lower(trim(schedule_name)) = lower(trim('{{ var("default_schedule_id") }}')))
            as is_default
        {% else %}
        is_first as is_default
        {% endif %}
    from candidates
    where schedule_source = 'export' or (select exported_schedules from export_size) = 0

)

select * from resolved
