-- Per call, the teams it queued for in order (its routing path), and whether a team repeats (a loop).
WITH queued AS (
    SELECT call_id, list(team ORDER BY seq) AS teams
    FROM {{ ref('stg_call_flow_events') }}
    WHERE event_type = 'queue_entered' AND team IS NOT NULL
    GROUP BY call_id
)
SELECT
    call_id,
    teams,
    array_to_string(teams, ' → ')                  AS team_path,
    len(teams) - 1                                 AS hops,
    len(list_distinct(teams)) < len(teams)         AS is_loop
FROM queued
