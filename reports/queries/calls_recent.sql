-- Actual daily calls (both directions) for the 28 days before a date, for the forecast chart.
WITH src AS (
  SELECT * FROM {{mart:daily_volume}}
  WHERE channel = 'call' AND date >= {{before}} - 28 AND date < {{before}}
), scoped AS (
  SELECT * FROM src WHERE (line = 'All') = (SELECT coalesce(bool_or(line = 'All'), false) FROM src)
)
SELECT CAST(date AS VARCHAR) AS date, CAST(sum(interactions) AS BIGINT) AS calls
FROM scoped GROUP BY date ORDER BY date
