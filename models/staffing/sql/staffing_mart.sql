-- staffing: one row per open interval of the forecast horizon, line ('All' = the lines pooled into one queue)
-- and channel. Calls: agents_needed = Erlang C agents on the phones for the point forecast ({{target_sl}} answered
-- within {{target_seconds}} s, occupancy cap, minimum per open interval); scheduled = ⌈agents ÷ (1 − {{shrinkage}})⌉
-- from the configured method and staffing target. Messages: agents by Erlang C on the first-response target
-- with a concurrency factor (models/staffing/messages.ts). rostered = people the shift plan puts there.
SELECT date + to_minutes(CAST(slot * {{interval_minutes}} AS BIGINT)) AS interval_start,
       {{interval_minutes}}::INTEGER AS interval_minutes,
       line,
       channel,
       CASE WHEN line = 'All' THEN 'pooled' ELSE 'dedicated' END AS pooling,
       forecast, lower80, upper80, offered,
       aht_seconds, patience_seconds, workload_erlangs,
       agents_needed::INTEGER AS agents_needed,
       agents_needed_upper80::INTEGER AS agents_needed_upper80,
       agents_erlang_a::INTEGER AS agents_erlang_a,
       scheduled::INTEGER AS scheduled,
       rostered::INTEGER AS rostered,
       service_level, asa_seconds, occupancy, abandon_rate,
       method,
       '{{version}}'::VARCHAR AS model_version
FROM staffing_rows
ORDER BY channel, line, interval_start
