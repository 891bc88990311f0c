-- The first 14 forecast days after the report week, business total ('All' when the model wrote it,
-- else the lines summed; summed bands are then only indicative). One model version per day.
WITH src AS (
  SELECT * FROM {{mart:volume_forecast}} WHERE channel = 'call' AND date > {{week_end}}
), scoped AS (
  SELECT * FROM src WHERE (line = 'All') = (SELECT coalesce(bool_or(line = 'All'), false) FROM src)
), latest AS (
  SELECT * FROM scoped
  QUALIFY dense_rank() OVER (PARTITION BY date ORDER BY model_version DESC) = 1
), days AS (
  SELECT date, bool_or(line = 'All') AS is_total, max(model_version) AS model_version,
         sum(forecast) AS forecast, sum(lower80) AS lower80, sum(upper80) AS upper80,
         sum(lower95) AS lower95, sum(upper95) AS upper95
  FROM latest GROUP BY date
)
SELECT CAST(date AS VARCHAR) AS date, is_total, model_version,
       forecast, lower80, upper80, lower95, upper95
FROM days ORDER BY date LIMIT 14
