-- The planners' CSV (one schema for the export and the report's CSV): one row per open interval and queue,
-- rounded as a planner reads them (forecasts to 0.1, seconds whole, percentages to 0.1).
COPY (
    SELECT strftime(interval_start, '%Y-%m-%d') AS date,
           strftime(interval_start, '%H:%M') AS interval_start,
           interval_minutes,
           CASE WHEN channel = 'call' THEN 'calls' ELSE 'messages' END AS channel,
           line,
           pooling,
           round(forecast, 1) AS forecast,
           round(lower80, 1) AS lower80,
           round(upper80, 1) AS upper80,
           CAST(round(aht_seconds) AS INTEGER) AS handle_seconds,
           agents_needed,
           scheduled,
           rostered,
           round(100 * service_level, 1) AS service_level_pct,
           CAST(round(asa_seconds) AS INTEGER) AS asa_seconds,
           round(100 * occupancy, 1) AS occupancy_pct,
           round(100 * abandon_rate, 1) AS abandon_pct,
           method,
           model_version
    FROM read_parquet({{mart}})
    WHERE CAST(interval_start AS DATE) BETWEEN CAST({{from}} AS DATE) AND CAST({{to}} AS DATE)
    ORDER BY date, channel, line = 'All', line, interval_start
) TO {{out}} (FORMAT csv, HEADER true)
