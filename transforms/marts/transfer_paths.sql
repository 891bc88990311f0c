-- Routing paths of inbound calls that were transferred, by month: the teams in order
-- (multi-hop), how many hops, whether the path loops back to a team it already visited.
SELECT
    strftime(c.date, '%Y-%m')                 AS month,
    c.line,
    t.team_path,
    t.hops,
    t.is_loop,
    count(*)                                  AS calls,
    count(*) FILTER (WHERE c.outcome = 'answered') AS answered,
    avg(c.handle_seconds)                     AS avg_handle_seconds
FROM {{ ref('calls') }} c
JOIN {{ ref('int_call_teams') }} t USING (call_id)
WHERE t.hops > 0
GROUP BY ALL
ORDER BY month, calls DESC, team_path
