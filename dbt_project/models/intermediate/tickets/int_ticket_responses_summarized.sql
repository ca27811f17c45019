{#
  One row per ticket that has comments: its first and next reply, as Zendesk defines them.

  Only comments made at or after the ticket's creation count (clock skew in exports). The
  opening comment is the first of them (Zendesk's ticket description). A ticket is agent
  created when a human agent wrote a public opening comment (an outbound message, a phone
  follow-up): that comment is not a reply.

  first response: the first public comment by a human agent (admins are agents; the bot's
  messages and internal notes never count), other than the opening comment of an agent-created
  ticket. An agent who opens a ticket with an internal note and then writes publicly has
  replied with that public comment.

  next reply: after the first response, the first public comment of an end user (anyone who
  is not an agent) starts the clock, and the next public comment by a human agent stops it.
#}

with

comments as (

    select * from {{ ref('int_ticket_comments_classified') }}

),

tickets as (

    select ticket_id, created_at from {{ ref('stg_helpdesk__tickets') }}

),

{# One pass of window functions, no self-joins: every step reads the one before it once. #}
clocked as (

    select
        comments.ticket_id,
        comments.event_id,
        comments.commented_at,
        comments.author_id,
        comments.author_type,
        comments.is_public,
        coalesce(comments.commented_at >= tickets.created_at, false) as is_on_clock
    from comments
    left join tickets
        on comments.ticket_id = tickets.ticket_id

),

sequenced as (

    select
        *,
        case when is_on_clock then row_number() over (
            partition by ticket_id, is_on_clock order by commented_at, event_id
        ) end as comment_number
    from clocked

),

flagged as (

    select
        *,
        coalesce(comment_number = 1 and author_type = 'human_agent' and is_public, false)
            as is_agent_opening,
        coalesce(comment_number > 1 and author_type = 'human_agent' and is_public, false)
            as is_reply
    from sequenced

),

replies_numbered as (

    select
        *,
        case when is_reply then row_number() over (
            partition by ticket_id, is_reply order by commented_at, event_id
        ) end as reply_number
    from flagged

),

first_responses_spread as (

    select
        *,
        max(case when reply_number = 1 then commented_at end) over (partition by ticket_id)
            as first_response_at
    from replies_numbered

),

next_reply_requests_spread as (

    select
        *,
        min(
            case
                when is_on_clock
                    and author_type = 'requester'
                    and is_public
                    and commented_at > first_response_at
                    then commented_at
            end
        ) over (partition by ticket_id) as next_reply_requested_at
    from first_responses_spread

),

summarized as (

    select
        ticket_id,
        max(case when is_agent_opening then 1 else 0 end) = 1 as is_agent_created,
        max(first_response_at) as first_response_at,
        max(case when reply_number = 1 then author_id end) as first_response_agent_id,
        max(next_reply_requested_at) as next_reply_requested_at,
        min(case when is_reply and commented_at > next_reply_requested_at then commented_at end)
            as next_reply_at,
        cast(sum(case when author_type = 'human_agent' and is_public then 1 else 0 end)
            as {{ dbt.type_int() }}) as public_agent_comments,
        cast(sum(case when is_reply then 1 else 0 end) as {{ dbt.type_int() }})
            as public_agent_replies,
        cast(sum(case when author_type = 'bot' and is_public then 1 else 0 end)
            as {{ dbt.type_int() }}) as public_bot_comments,
        cast(sum(case when author_type = 'human_agent' and not is_public then 1 else 0 end)
            as {{ dbt.type_int() }}) as internal_notes,
        cast(sum(case when author_type = 'requester' then 1 else 0 end) as {{ dbt.type_int() }})
            as requester_comments
    from next_reply_requests_spread
    group by ticket_id

)

select * from summarized
