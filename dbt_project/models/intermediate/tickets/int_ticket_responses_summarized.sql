{#
  One row per ticket that has comments. The first response is the first public comment by a
  human agent: the bot's messages and internal notes do not count, and neither does a public
  comment made before the ticket existed (clock skew in exports).
#}
with

comments as (

    select * from {{ ref('int_ticket_comments_classified') }}

),

tickets as (

    select ticket_id, created_at from {{ ref('stg_helpdesk__tickets') }}

),

human_public as (

    select
        comments.ticket_id,
        comments.event_id,
        comments.commented_at,
        comments.author_id,
        row_number() over (
            partition by comments.ticket_id order by comments.commented_at, comments.event_id
        ) as response_number
    from comments
    inner join tickets
        on comments.ticket_id = tickets.ticket_id
    where comments.author_type = 'human_agent'
        and comments.is_public
        and comments.commented_at >= tickets.created_at

),

first_responses as (

    select
        ticket_id,
        commented_at as first_response_at,
        author_id as first_response_agent_id
    from human_public
    where response_number = 1

),

counts as (

    select
        ticket_id,
        sum(case when author_type = 'human_agent' and is_public then 1 else 0 end)
            as public_agent_comments,
        sum(case when author_type = 'bot' and is_public then 1 else 0 end)
            as public_bot_comments,
        sum(case when author_type = 'human_agent' and not is_public then 1 else 0 end)
            as internal_notes,
        sum(case when author_type = 'requester' then 1 else 0 end)
            as requester_comments
    from comments
    group by ticket_id

),

summarized as (

    select
        counts.ticket_id,
        first_responses.first_response_at,
        first_responses.first_response_agent_id,
        cast(counts.public_agent_comments as {{ dbt.type_int() }}) as public_agent_comments,
        cast(counts.public_bot_comments as {{ dbt.type_int() }}) as public_bot_comments,
        cast(counts.internal_notes as {{ dbt.type_int() }}) as internal_notes,
        cast(counts.requester_comments as {{ dbt.type_int() }}) as requester_comments
    from counts
    left join first_responses
        on counts.ticket_id = first_responses.ticket_id

)

select * from summarized
