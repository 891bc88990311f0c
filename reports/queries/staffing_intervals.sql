-- One queue's plan per open interval for the days [{{start}}, {{end}}] (staffing mart, latest model version).
WITH src AS (
  SELECT * FROM {{mart:staffing}}
  WHERE CAST(interval_start AS DATE) BETWEEN {{start}} AND {{end}} AND line = {{line}} AND channel = {{channel}}
  QUALIFY model_version = max(model_version) OVER ()
)
SELECT strftime(interval_start, '%Y-%m-%d %H:%M') AS interval_start,
       CAST(CAST(interval_start AS DATE) AS VARCHAR) AS date,
       CAST(interval_minutes AS INTEGER) AS interval_minutes,
       CAST(forecast AS DOUBLE) AS forecast, CAST(lower80 AS DOUBLE) AS lower80, CAST(upper80 AS DOUBLE) AS upper80,
       CAST(aht_seconds AS DOUBLE) AS aht_seconds,
       CAST(agents_needed AS INTEGER) AS agents, CAST(scheduled AS INTEGER) AS scheduled, CAST(rostered AS INTEGER) AS rostered,
       CAST(service_level AS DOUBLE) AS service_level, CAST(asa_seconds AS DOUBLE) AS asa_seconds,
       CAST(occupancy AS DOUBLE) AS occupancy, CAST(abandon_rate AS DOUBLE) AS abandon_rate
FROM src
ORDER BY interval_start
