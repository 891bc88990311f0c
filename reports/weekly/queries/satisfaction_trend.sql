-- Business-total NPS and CSAT for the 12 weeks ending with the report week.
WITH n AS (
  SELECT week_start, nps, responses AS nps_responses FROM {{mart:nps_weekly}}
  WHERE line = 'All' AND week_start BETWEEN {{start}} AND {{week_start}}
), c AS (
  SELECT week_start, csat, responses AS csat_responses FROM {{mart:csat_weekly}}
  WHERE line = 'All' AND week_start BETWEEN {{start}} AND {{week_start}}
)
SELECT CAST(coalesce(n.week_start, c.week_start) AS VARCHAR) AS week_start,
       n.nps, n.nps_responses, c.csat, c.csat_responses
FROM n FULL OUTER JOIN c ON n.week_start = c.week_start
ORDER BY 1
