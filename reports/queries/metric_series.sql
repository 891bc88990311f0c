-- One metric per period (week or month) from {{from}} to {{to}} (period starts) for one dimension, as the metrics mart holds it.
SELECT CAST(period_start AS VARCHAR) AS period_start, member, n, value, margin95
FROM {{mart:metrics}}
WHERE period = {{period}} AND dimension = {{dimension}} AND metric = {{metric}} AND period_start BETWEEN {{from}} AND {{to}}
ORDER BY period_start, member
