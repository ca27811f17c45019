with

weekly as (

    select * from {{ ref('int_theme_weeks_spined') }}

),

with_history as (

    select
        *,
        avg(cast(tickets as {{ type_double() }})) over (
            partition by theme_id order by week_start_date
            rows between {{ var('spike_trailing_weeks') }} preceding and 1 preceding
        ) as trailing_mean,
        stddev_samp(cast(tickets as {{ type_double() }})) over (
            partition by theme_id order by week_start_date
            rows between {{ var('spike_trailing_weeks') }} preceding and 1 preceding
        ) as trailing_stddev,
        count(*) over (
            partition by theme_id order by week_start_date
            rows between {{ var('spike_trailing_weeks') }} preceding and 1 preceding
        ) as trailing_weeks
    from weekly

),

final as (

    select
        theme_id,
        week_start_date,
        tickets,
        all_tickets,
        cast(tickets as {{ type_double() }}) / nullif(all_tickets, 0) as share_of_tickets,
        cast(csat_avg as {{ type_double() }}) as csat_avg,
        csat_responses,
        median_first_response_minutes,
        trailing_mean,
        case
            when trailing_weeks >= {{ var('spike_min_history_weeks') }} and trailing_stddev > 0
                then (tickets - trailing_mean) / trailing_stddev
        end as volume_z_score,
        coalesce(
            trailing_weeks >= {{ var('spike_min_history_weeks') }}
            and tickets >= {{ var('spike_min_tickets') }}
            and tickets > trailing_mean
            and (trailing_stddev = 0 or (tickets - trailing_mean) / trailing_stddev >= {{ var('spike_z_threshold') }}),
            false
        ) as is_spike
    from with_history

)

select * from final
