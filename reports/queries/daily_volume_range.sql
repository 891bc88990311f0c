-- Daily interactions by channel over a range of days (the report period and the weeks before it).
-- Uses the mart's 'All' rows when it has them, else sums the lines.
WITH src AS (
  SELECT * FROM {{mart:daily_volume}} WHERE date BETWEEN {{start}} AND {{end}}
), scoped AS (
  SELECT * FROM src WHERE (line = 'All') = (SELECT coalesce(bool_or(line = 'All'), false) FROM src)
)
SELECT CAST(date AS VARCHAR) AS date, channel, CAST(sum(interactions) AS BIGINT) AS interactions
FROM scoped
GROUP BY date, channel
ORDER BY date, channel
