{#
  Explicit links between backlog items and help-desk tickets, from three kinds of evidence:
  ticket_id_in_text      "#48213" in the item's summary or description
  helpdesk_link          a ticket URL (.../tickets/48213, .../requests/48213) in helpdesk_links
  backlog_key_on_ticket  the ticket's backlog_key field names the item

  Only references to tickets that exist are kept ("#3" in a numbered list or a pull request
  number is not a ticket), and only keys that name an existing item.

  Regular expressions differ between warehouses, so the one place that uses them is the
  extract_all_matches template below (DuckDB spelling, with a Postgres branch).
#}

{#-
  extract_all_matches: one row per (__KEY__, first capture group of every match of __PATTERN__ in
  __TEXT__) from __RELATION__. The only warehouse-specific SQL of this model. dbt does not allow
  macros inside a model file, so it is a template filled with the replace filter until it moves
  to macros/extract_all_matches.sql as a dispatched macro.
-#}
{%- set extract_all_matches -%}
    {%- if target.type == 'postgres' -%}
    select __KEY__, (regexp_matches(__TEXT__, '__PATTERN__', 'g'))[1] as matched
    from __RELATION__
    {%- else -%}
    select __KEY__, matched
    from (
        select __KEY__, unnest(regexp_extract_all(__TEXT__, '__PATTERN__', 1)) as matched
        from __RELATION__
    ) as matches
    {%- endif -%}
{%- endset %}

with

items as (

    select
        item_id,
        summary,
        description,
        helpdesk_links

    from {{ ref('stg_backlog__items') }}

),

tickets as (

    select
        ticket_id,
        backlog_key

    from {{ ref('stg_helpdesk__tickets') }}

),

ids_in_text as (

    {{ extract_all_matches
        | replace('__RELATION__', 'items') | replace('__KEY__', 'item_id')
        | replace('__TEXT__', dbt.concat(["coalesce(summary, '')", "' '", "coalesce(description, '')"]))
        | replace('__PATTERN__', '#([0-9]+)') }}

),

ids_in_link_field as (

    {{ extract_all_matches
        | replace('__RELATION__', 'items') | replace('__KEY__', 'item_id')
        | replace('__TEXT__', "coalesce(helpdesk_links, '')")
        | replace('__PATTERN__', '/(?:tickets|requests)/([0-9]+)') }}

),

keys_on_tickets as (

    select
        items.item_id,
        tickets.ticket_id

    from tickets
    inner join items
        on upper(trim(tickets.backlog_key)) = upper(items.item_id)

),

references_unioned as (

    select item_id, matched as ticket_id, 'ticket_id_in_text' as evidence from ids_in_text
    union all
    select item_id, matched as ticket_id, 'helpdesk_link' as evidence from ids_in_link_field
    union all
    select item_id, ticket_id, 'backlog_key_on_ticket' as evidence from keys_on_tickets

),

references_to_known_tickets as (

    select
        references_unioned.item_id,
        tickets.ticket_id,
        references_unioned.evidence

    from references_unioned
    inner join tickets
        on references_unioned.ticket_id = tickets.ticket_id

),

aggregated as (

    select
        item_id,
        ticket_id,
        {{ dbt.bool_or("evidence = 'backlog_key_on_ticket'") }} as has_backlog_key_on_ticket,
        {{ dbt.bool_or("evidence = 'helpdesk_link'") }} as has_helpdesk_link,
        {{ dbt.bool_or("evidence = 'ticket_id_in_text'") }} as has_ticket_id_in_text,
        count(distinct evidence) as evidence_count

    from references_to_known_tickets
    group by item_id, ticket_id

),

final as (

    select
        {{ surrogate_key(['item_id', 'ticket_id']) }} as reference_id,
        item_id,
        ticket_id,
        case
            when has_backlog_key_on_ticket then 'backlog_key_on_ticket'
            when has_helpdesk_link then 'helpdesk_link'
            else 'ticket_id_in_text'
        end as evidence,
        has_backlog_key_on_ticket,
        has_helpdesk_link,
        has_ticket_id_in_text,
        evidence_count

    from aggregated

)

select * from final
