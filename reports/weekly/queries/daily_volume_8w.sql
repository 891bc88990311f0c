-- Daily interactions by channel over the 8 weeks ending with the report week.
-- Uses the mart's 'All' rows when it has them, else sums the lines.
WITH src AS (
  SELECT * FROM {{mart:daily_volume}} WHERE date BETWEEN {{start}} AND {{week_end}}
), scoped AS (
  SELECT * FROM src WHERE (line = 'All') = (SELECT coalesce(bool_or(line = 'All'), false) FROM src)
)
SELECT CAST(date AS VARCHAR) AS date, channel, CAST(sum(interactions) AS BIGINT) AS interactions
FROM scoped
GROUP BY date, channel
ORDER BY date, channel
