-- This week's calls by line and outcome (lines only, not the 'All' total).
SELECT line, outcome, CAST(sum(calls) AS BIGINT) AS calls
FROM {{mart:call_outcomes_daily}}
WHERE date BETWEEN {{week_start}} AND {{week_end}} AND line <> 'All'
GROUP BY line, outcome
ORDER BY line, outcome
