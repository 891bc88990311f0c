-- volume_forecast: incoming interactions forecast per day, line ('All' = every line) and channel,
-- with nested 80% and 95% prediction intervals (columns read by the weekly report).
SELECT date, line, channel, forecast, lower80, upper80, lower95, upper95,
       '{{version}}'::VARCHAR AS model_version
FROM forecast_rows
ORDER BY channel, line, date
