{#
  One row per ticket with at least one satisfaction survey. A survey row (any score) means
  feedback was requested; a 1-5 rating means it was received. csat_score is the rating of the
  latest answered survey (a reopened ticket may be surveyed again).

  A view, materialised in fct_tickets through int_tickets_enriched.
#}
{{ config(materialized='view') }}
with

ratings as (

    select * from {{ ref('stg_helpdesk__satisfaction_ratings') }}

),

latest_answers as (

    select
        ticket_id,
        rating,
        score,
        row_number() over (
            partition by ticket_id order by updated_at desc, rating_id desc
        ) as recency
    from ratings
    where is_answered

),

counts as (

    select
        ticket_id,
        cast(count(*) as {{ dbt.type_int() }}) as surveys_sent,
        cast(sum(case when is_answered then 1 else 0 end) as {{ dbt.type_int() }})
            as surveys_answered,
        min(created_at) as first_survey_sent_at
    from ratings
    group by ticket_id

),

summarized as (

    select
        counts.ticket_id,
        counts.surveys_sent,
        counts.surveys_answered,
        counts.first_survey_sent_at,
        latest_answers.rating as csat_score,
        latest_answers.score as csat_label
    from counts
    left join latest_answers
        on counts.ticket_id = latest_answers.ticket_id
        and latest_answers.recency = 1

)

select * from summarized
