-- Daily call forecast (business total, else lines summed) for the days [{{start}}, {{end}}], latest model.
WITH src AS (
  SELECT * FROM {{mart:volume_forecast}} WHERE channel = 'call' AND date BETWEEN {{start}} AND {{end}}
  QUALIFY model_version = max(model_version) OVER ()
), scoped AS (
  SELECT * FROM src WHERE (line = 'All') = (SELECT coalesce(bool_or(line = 'All'), false) FROM src)
)
SELECT CAST(date AS VARCHAR) AS date, sum(forecast) AS forecast, sum(upper80) AS upper80
FROM scoped GROUP BY date ORDER BY date
