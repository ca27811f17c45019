{#
  Satisfaction ratings: the help desk's surveys, and the 1-5 rating a feedback source carries
  on the ticket itself (a review's stars, a survey's CSAT question; raw.tickets.rating), which
  counts as an answered survey of that ticket. Its score follows the common CSAT convention on a
  5-point scale: 4 and 5 are satisfied (good), 1 to 3 are not (bad); DECISIONS.md, "Satisfaction
  and feedback coverage".
#}
with

surveys as (

    select
        rating_id, ticket_id, score, rating, comment_redacted,
        assignee_id, requester_id, created_at, updated_at, loaded_at
    from {{ source('raw', 'satisfaction_ratings') }}

),

ticket_ratings as (

    select
        'ticket-' || ticket_id as rating_id,
        ticket_id,
        case when rating >= 4 then 'good' else 'bad' end as score,
        rating,
        -- the feedback's own text is the ticket's body, not a survey comment
        cast(null as varchar) as comment_redacted,
        assignee_id,
        requester_id,
        created_at,
        updated_at,
        loaded_at
    from {{ source('raw', 'tickets') }}
    where rating is not null

),

source as (

    select * from surveys
    union all
    select * from ticket_ratings

),

renamed as (

    select
        rating_id,
        ticket_id,
        score,
        rating,
        rating is not null as is_answered,
        comment_redacted as comment,
        assignee_id,
        requester_id,
        created_at,
        updated_at,
        loaded_at

    from source

)

select * from renamed
