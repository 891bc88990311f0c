-- The shift plan for the days [{{start}}, {{end}}] (shift_plan mart, latest model version): one row per day,
-- queue (line, 'All' = the pooled team; channel) and shift, with how many people work it and the day's paid
-- hours against the LP lower bound.
SELECT CAST(date AS VARCHAR) AS date,
       line,
       channel,
       shift,
       strftime(start_at, '%H:%M') AS start_time,
       strftime(end_at, '%H:%M') AS end_time,
       CASE WHEN break_at IS NULL THEN NULL ELSE strftime(break_at, '%H:%M') END AS break_time,
       CAST(break_minutes AS INTEGER) AS break_minutes,
       CAST(paid_hours AS DOUBLE) AS paid_hours,
       CAST(agents AS INTEGER) AS agents,
       CAST(day_paid_hours AS DOUBLE) AS day_paid_hours,
       CAST(day_lp_bound_hours AS DOUBLE) AS day_lp_bound_hours
FROM {{mart:shift_plan}}
WHERE date BETWEEN {{start}} AND {{end}}
QUALIFY model_version = max(model_version) OVER ()
ORDER BY date, channel, line = 'All', line, start_at, break_at
