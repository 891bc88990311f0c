-- volume_forecast_interval: incoming interactions forecast per interval of {{interval_minutes}} minutes
-- (business-local clock), line ('All' = every line) and channel, with nested 80%/95% intervals.
SELECT date + to_minutes(CAST(slot * {{interval_minutes}} AS BIGINT)) AS interval_start,
       {{interval_minutes}}::INTEGER AS interval_minutes,
       line, channel, forecast, lower80, upper80, lower95, upper95,
       is_open = 1 AS is_open,
       '{{version}}'::VARCHAR AS model_version
FROM forecast_rows
ORDER BY channel, line, interval_start
