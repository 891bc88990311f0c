-- The planners' CSV: one row per interval and line, rounded for reading.
COPY (
    SELECT strftime(interval_start, '%Y-%m-%d %H:%M') AS interval_start, interval_minutes, line,
           round(forecast, 2) AS forecast_calls, round(lower80, 2) AS lower80, round(upper80, 2) AS upper80,
           round(aht_seconds) AS aht_seconds, agents_needed, agents_needed_upper80, agents_erlang_a, scheduled,
           round(service_level, 3) AS expected_service_level, round(occupancy, 3) AS occupancy, method, model_version
    FROM read_parquet({{mart}})
    ORDER BY line, interval_start
) TO {{out}} (FORMAT csv, HEADER true)
