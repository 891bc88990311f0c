-- The 95% confidence intervals of the business-total NPS and CSAT of a period and the one before.
SELECT CAST(period_start AS VARCHAR) AS period_start, nps_ci_low, nps_ci_high, csat_ci_low, csat_ci_high
FROM {{mart:satisfaction}}
WHERE period = {{kind}} AND dimension = 'all' AND period_start IN ({{start}}, {{prev_start}})
ORDER BY 1
