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

sequenced as (

    select
        comments.ticket_id,
        comments.event_id,
        comments.commented_at,
        comments.author_id,
        comments.author_type,
        comments.is_public,
        row_number() over (
            partition by comments.ticket_id order by comments.commented_at, comments.event_id
        ) as comment_number
    from comments
    inner join tickets
        on comments.ticket_id = tickets.ticket_id
    where comments.commented_at >= tickets.created_at

),

openings as (

    select
        ticket_id,
        event_id as opening_event_id,
        author_type = 'human_agent' and is_public as is_agent_created
    from sequenced
    where comment_number = 1

),

replies as (

    select
        sequenced.ticket_id,
        sequenced.event_id,
        sequenced.commented_at,
        sequenced.author_id,
        row_number() over (
            partition by sequenced.ticket_id order by sequenced.commented_at, sequenced.event_id
        ) as reply_number
    from sequenced
    inner join openings
        on sequenced.ticket_id = openings.ticket_id
    where sequenced.author_type = 'human_agent'
        and sequenced.is_public
        and not (openings.is_agent_created and sequenced.event_id = openings.opening_event_id)

),

first_responses as (

    select
        ticket_id,
        commented_at as first_response_at,
        author_id as first_response_agent_id
    from replies
    where reply_number = 1

),

next_reply_requests as (

    select
        sequenced.ticket_id,
        min(sequenced.commented_at) as next_reply_requested_at
    from sequenced
    inner join first_responses
        on sequenced.ticket_id = first_responses.ticket_id
    where sequenced.author_type = 'requester'
        and sequenced.is_public
        and sequenced.commented_at > first_responses.first_response_at
    group by sequenced.ticket_id

),

next_replies as (

    select
        next_reply_requests.ticket_id,
        next_reply_requests.next_reply_requested_at,
        min(replies.commented_at) as next_reply_at
    from next_reply_requests
    left join replies
        on next_reply_requests.ticket_id = replies.ticket_id
        and replies.commented_at > next_reply_requests.next_reply_requested_at
    group by next_reply_requests.ticket_id, next_reply_requests.next_reply_requested_at

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

reply_counts as (

    select ticket_id, count(*) as public_agent_replies
    from replies
    group by ticket_id

),

summarized as (

    select
        counts.ticket_id,
        coalesce(openings.is_agent_created, false) as is_agent_created,
        first_responses.first_response_at,
        first_responses.first_response_agent_id,
        next_replies.next_reply_requested_at,
        next_replies.next_reply_at,
        cast(counts.public_agent_comments as {{ dbt.type_int() }}) as public_agent_comments,
        cast(coalesce(reply_counts.public_agent_replies, 0) as {{ dbt.type_int() }})
            as public_agent_replies,
        cast(counts.public_bot_comments as {{ dbt.type_int() }}) as public_bot_comments,
        cast(counts.internal_notes as {{ dbt.type_int() }}) as internal_notes,
        cast(counts.requester_comments as {{ dbt.type_int() }}) as requester_comments
    from counts
    left join openings
        on counts.ticket_id = openings.ticket_id
    left join first_responses
        on counts.ticket_id = first_responses.ticket_id
    left join next_replies
        on counts.ticket_id = next_replies.ticket_id
    left join reply_counts
        on counts.ticket_id = reply_counts.ticket_id

)

select * from summarized
