-- Business-total NPS and CSAT with their 95% confidence intervals per period (week or month) from {{from}} to {{to}}.
SELECT CAST(period_start AS VARCHAR) AS period_start, nps, nps_ci_low, nps_ci_high, nps_responses,
       csat, csat_ci_low, csat_ci_high, csat_responses
FROM {{mart:satisfaction}}
WHERE period = {{kind}} AND dimension = 'all' AND period_start BETWEEN {{from}} AND {{to}}
ORDER BY period_start
