-- Routing paths of transferred calls in the months {{from_month}} to {{to_month}}, all lines together, most calls first.
SELECT team_path, max(hops) AS hops, bool_or(is_loop) AS is_loop, CAST(sum(calls) AS BIGINT) AS calls,
       CAST(sum(answered) AS BIGINT) AS answered,
       sum(avg_handle_seconds * calls) / nullif(sum(calls) FILTER (WHERE avg_handle_seconds IS NOT NULL), 0) AS avg_handle_seconds
FROM {{mart:transfer_paths}}
WHERE month BETWEEN {{from_month}} AND {{to_month}}
GROUP BY team_path
ORDER BY calls DESC, team_path
