-- shift_plan: the shifts covering every open interval's scheduled agents at least paid hours, per day, line
-- ('All' = the pooled team) and channel: one row per shift (template, start, break) with how many people work it.
SELECT date,
       line,
       channel,
       CASE WHEN line = 'All' THEN 'pooled' ELSE 'dedicated' END AS pooling,
       shift,
       date + to_minutes(CAST(start_minute AS BIGINT)) AS start_at,
       date + to_minutes(CAST(end_minute AS BIGINT)) AS end_at,
       CASE WHEN break_minute IS NULL THEN NULL ELSE date + to_minutes(CAST(break_minute AS BIGINT)) END AS break_at,
       break_minutes::INTEGER AS break_minutes,
       paid_hours,
       agents::INTEGER AS agents,
       day_paid_hours,
       day_lp_bound_hours,
       '{{version}}'::VARCHAR AS model_version
FROM shift_rows
ORDER BY channel, line, date, start_at, break_at
