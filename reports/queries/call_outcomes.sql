-- The period's calls by line and outcome (lines only, not the 'All' total).
SELECT line, outcome, CAST(sum(calls) AS BIGINT) AS calls
FROM {{mart:call_outcomes_daily}}
WHERE date BETWEEN {{start}} AND {{end}} AND line <> 'All'
GROUP BY line, outcome
ORDER BY line, outcome
