{#
  The SLA targets in force: one row per policy, metric and ticket priority, with the policy's
  matching order (policy_rank, 1 first).

  Exported policies (Zendesk /api/v2/slas/policies) when the export has any: each policy metric
  {priority, metric, target, business_hours}, target in minutes, ranked by the policy's
  position (Zendesk: "Position of the SLA policy that determines the order they will be
  matched").

  Otherwise the sla_policies seed, turned into policies of the same shape so one matcher serves
  both: each seed row is a policy whose filter is its tier and priority ('*' matches any), ranked
  most specific first (tier and priority, tier, priority, neither); a last policy with no
  conditions gives every priority var default_first_response_target_minutes. Seed targets count
  business minutes. The seed's metric first_response is Zendesk's first_reply_time.
#}
{%- set metric_fields = {'priority': 'VARCHAR', 'metric': 'VARCHAR', 'target': 'DOUBLE', 'business_hours': 'BOOLEAN'} -%}
with

exported as (

    select * from {{ ref('stg_helpdesk__sla_policies') }}

),

export_size as (

    select count(*) as exported_policies from exported

),

exported_metrics as (

    select
        policy_id,
        policy_title,
        row_number() over (order by policy_position nulls last, policy_id) as policy_rank,
        {{ json_record_elements('policy_metrics', metric_fields) }} as metric_json
    from exported

),

priorities as (

    select 'low' as priority
    union all select 'normal'
    union all select 'high'
    union all select 'urgent'

),

seed_rows as (

    select
        case when sla_metric = 'first_response' then 'first_reply_time' else sla_metric end as metric,
        priority as seed_priority,
        tier as seed_tier,
        target_minutes,
        case
            when tier <> '*' and priority <> '*' then 1
            when tier <> '*' then 2
            when priority <> '*' then 3
            else 4
        end as specificity
    from {{ ref('sla_policies') }}

),

seed_policies as (

    select
        {{ dbt.concat(["'seed:'", "seed_tier", "':'", "seed_priority"]) }} as policy_id,
        {{ dbt.concat(["'sla_policies seed, tier '", "seed_tier", "', priority '", "seed_priority"]) }}
            as policy_title,
        dense_rank() over (order by specificity, seed_tier, seed_priority) as policy_rank,
        metric,
        priorities.priority,
        target_minutes
    from seed_rows
    inner join priorities
        on seed_rows.seed_priority in ('*', priorities.priority)

    union all

    select
        'default' as policy_id,
        'var default_first_response_target_minutes' as policy_title,
        1000000 as policy_rank,
        'first_reply_time' as metric,
        priority,
        {{ var('default_first_response_target_minutes') }} as target_minutes
    from priorities

),

resolved as (

    select
        policy_id,
        policy_title,
        policy_rank,
        lower({{ record_field('metric_json', 'metric', metric_fields) }}) as metric,
        lower({{ record_field('metric_json', 'priority', metric_fields) }}) as priority,
        {{ record_field('metric_json', 'target', metric_fields) }} as target_minutes,
        coalesce({{ record_field('metric_json', 'business_hours', metric_fields) }}, false) as in_business_hours,
        'export' as policy_source
    from exported_metrics

    union all

    select
        policy_id,
        policy_title,
        policy_rank,
        metric,
        priority,
        cast(target_minutes as {{ type_double() }}) as target_minutes,
        true as in_business_hours,
        'seed' as policy_source
    from seed_policies
    where (select exported_policies from export_size) = 0

)

select * from resolved
