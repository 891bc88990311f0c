-- staffing: one row per business-hours interval of the forecast horizon and line ('All' = the lines
-- pooled into one queue). agents_needed = Erlang C agents on the phones for the point forecast
-- ({{target_sl}} of calls answered within {{target_seconds}} s, occupancy cap); agents_needed_upper80 =
-- the same for the upper end of the 80% interval; agents_erlang_a = Erlang A with the line's patience
-- (NULL when it cannot be estimated); scheduled = ⌈agents ÷ (1 − {{shrinkage}})⌉ from the {{method}}
-- agents staffed to the {{staff_to}}.
SELECT date + to_minutes(CAST(slot * {{interval_minutes}} AS BIGINT)) AS interval_start,
       {{interval_minutes}}::INTEGER AS interval_minutes,
       line,
       forecast, lower80, upper80,
       aht_seconds, patience_seconds,
       agents_needed::INTEGER AS agents_needed,
       agents_needed_upper80::INTEGER AS agents_needed_upper80,
       agents_erlang_a::INTEGER AS agents_erlang_a,
       scheduled::INTEGER AS scheduled,
       service_level, occupancy, abandon_rate,
       '{{method}}'::VARCHAR AS method,
       '{{version}}'::VARCHAR AS model_version
FROM staffing_rows
ORDER BY line, interval_start
