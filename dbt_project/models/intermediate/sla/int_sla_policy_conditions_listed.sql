{#
  One row per condition of an SLA policy in force. Exported policies: the conditions of the
  filter's "all" and "any" arrays (Zendesk Conditions reference: the SLA policy filter is
  identical to the conditions property). Seed policies: their tier and priority.

  is_supported says whether closedloop can evaluate the condition on a ticket:
    priority       is, is_not, less_than, greater_than (low < normal < high < urgent)
    group_id       is, is_not
    via_id         is, is_not: a via type (email, chat, web_form, mobile_sdk, voice, twitter...)
                   or the ids 0 (web form) and 4 (email), compared by closedloop's channel
    channel        is, is_not: closedloop's channel (chat, email, in_app, social, phone)
    current_tags   includes, not_includes: tags separated by spaces (any of / none of)
    tier           is, is_not: closedloop's SLA tier (the seed's policies)
  A policy with a condition it cannot evaluate (organization, brand, ticket type, custom
  fields, other operators) never matches, and a warning test lists the condition.
#}
{%- set condition_fields = {'field': 'VARCHAR', 'operator': 'VARCHAR', 'value': 'VARCHAR'} -%}
with

exported as (

    select policy_id, policy_filter
    from {{ ref('stg_helpdesk__sla_policies') }}

),

exported_conditions as (

    select
        policy_id,
        'all' as condition_group,
        {{ json_record_elements(json_member('policy_filter', 'all'), condition_fields) }} as condition_json
    from exported

    union all

    select
        policy_id,
        'any' as condition_group,
        {{ json_record_elements(json_member('policy_filter', 'any'), condition_fields) }} as condition_json
    from exported

),

policies as (

    select distinct policy_id, policy_source
    from {{ ref('int_sla_policies_resolved') }}

),

seed_conditions as (

    select
        {{ dbt.concat(["'seed:'", "tier", "':'", "priority"]) }} as policy_id,
        'all' as condition_group,
        'tier' as field,
        'is' as operator,
        tier as value
    from {{ ref('sla_policies') }}
    where tier <> '*'

    union all

    select
        {{ dbt.concat(["'seed:'", "tier", "':'", "priority"]) }} as policy_id,
        'all' as condition_group,
        'priority' as field,
        'is' as operator,
        priority as value
    from {{ ref('sla_policies') }}
    where priority <> '*'

),

conditions as (

    select
        policy_id,
        condition_group,
        lower({{ record_field('condition_json', 'field', condition_fields) }}) as field,
        lower({{ record_field('condition_json', 'operator', condition_fields) }}) as operator,
        {{ record_field('condition_json', 'value', condition_fields) }} as value
    from exported_conditions

    union all

    select policy_id, condition_group, field, operator, value
    from seed_conditions

),

in_force as (

    select
        conditions.*,
        case
            when conditions.field = 'priority'
                then conditions.operator in ('is', 'is_not', 'less_than', 'greater_than')
                    and lower(conditions.value) in ('low', 'normal', 'high', 'urgent')
            when conditions.field in ('group_id', 'channel', 'tier')
                then conditions.operator in ('is', 'is_not')
            when conditions.field = 'via_id'
                then conditions.operator in ('is', 'is_not')
                    and lower(conditions.value) in {{ sql_list(via_channels().keys() | list) }}
            when conditions.field = 'current_tags'
                then conditions.operator in ('includes', 'not_includes')
            else false
        end as is_supported
    from conditions
    inner join policies
        on conditions.policy_id = policies.policy_id

)

select * from in_force
