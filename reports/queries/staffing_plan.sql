-- The call staffing plan for the days [{{start}}, {{end}}], one row per open interval (columns of the staffing
-- mart's contract, models/staffing/staffing.yml): the pooled business total ('All') when the model wrote it,
-- else the lines summed; the latest model version in the window only. Message queues are left out here.
WITH src AS (
  SELECT * FROM {{mart:staffing}}
  WHERE CAST(interval_start AS DATE) BETWEEN {{start}} AND {{end}} AND channel = 'call'
  QUALIFY model_version = max(model_version) OVER ()
), scoped AS (
  SELECT * FROM src WHERE (line = 'All') = (SELECT coalesce(bool_or(line = 'All'), false) FROM src)
)
SELECT strftime(interval_start, '%Y-%m-%d %H:%M') AS interval_start,
       CAST(CAST(interval_start AS DATE) AS VARCHAR) AS date,
       CASE WHEN bool_or(line = 'All') THEN 'All' ELSE 'All lines summed' END AS line,
       CAST(max(interval_minutes) AS INTEGER) AS interval_minutes,
       sum(CAST(forecast AS DOUBLE)) AS forecast,
       sum(CAST(lower80 AS DOUBLE)) AS lower,
       sum(CAST(upper80 AS DOUBLE)) AS upper,
       sum(CAST(agents_needed AS DOUBLE)) AS agents,
       sum(CAST(scheduled AS DOUBLE)) AS scheduled,
       avg(CAST(aht_seconds AS DOUBLE)) AS aht_seconds
FROM scoped
GROUP BY 1, 2
ORDER BY 1
