-- NPS and CSAT with 95% confidence intervals by line and by customer segment for the period and the one before.
SELECT CASE WHEN period_start = {{start}} THEN 'current' ELSE 'previous' END AS which, dimension, value,
       nps, nps_ci_low, nps_ci_high, nps_responses, csat, csat_ci_low, csat_ci_high, csat_responses
FROM {{mart:satisfaction}}
WHERE period = {{kind}} AND dimension IN ('line', 'segment') AND period_start IN ({{start}}, {{prev_start}})
ORDER BY dimension, value
