-- How good the forecast was in the {{weeks}} most recent scored weeks before {{start}} (forecast_accuracy mart):
-- forecasts made 1-7 days ahead (horizon week 1), per week, line ('All' = the business total) and channel.
WITH a AS (
  SELECT * FROM {{mart:forecast_accuracy}} WHERE horizon_week = 1 AND week_start < {{start}}
), weeks AS (
  SELECT DISTINCT week_start FROM a ORDER BY week_start DESC LIMIT {{weeks}}
)
SELECT CAST(CAST(week_start AS DATE) AS VARCHAR) AS week_start, line, channel,
       CAST(days AS INTEGER) AS days, CAST(origins AS INTEGER) AS origins,
       CAST(actual AS DOUBLE) AS actual, CAST(forecast AS DOUBLE) AS forecast,
       CAST(mase AS DOUBLE) AS mase, CAST(wape AS DOUBLE) AS wape, CAST(bias AS DOUBLE) AS bias,
       CAST(coverage80 AS DOUBLE) AS coverage80, CAST(coverage95 AS DOUBLE) AS coverage95, sources
FROM a
WHERE week_start IN (SELECT week_start FROM weeks)
ORDER BY week_start DESC, channel, line = 'All' DESC, line
