-- The staffing plan per day and queue for the days [{{start}}, {{end}}] (staffing mart, latest model version):
-- one row per day, line ('All' = the pooled team) and channel over the open intervals the mart holds (closed
-- intervals have no row). Service level, ASA and abandonment are averages over the contacts offered (each
-- interval weighted by its offered contacts); occupancy is time-weighted (Σ workload ÷ Σ agents on the queue).
WITH src AS (
  SELECT * FROM {{mart:staffing}}
  WHERE CAST(interval_start AS DATE) BETWEEN {{start}} AND {{end}}
  QUALIFY model_version = max(model_version) OVER ()
)
SELECT CAST(CAST(interval_start AS DATE) AS VARCHAR) AS date,
       line,
       channel,
       any_value(pooling) AS pooling,
       CAST(max(interval_minutes) AS INTEGER) AS interval_minutes,
       CAST(count(*) AS INTEGER) AS open_intervals,
       strftime(min(interval_start), '%H:%M') AS first_interval,
       strftime(max(interval_start) + to_minutes(CAST(max(interval_minutes) AS BIGINT)), '%H:%M') AS last_interval_end,
       sum(forecast) AS forecast,
       sum(offered) AS offered,
       CAST(max(agents_needed) AS INTEGER) AS peak_agents,
       sum(agents_needed * interval_minutes) / 60.0 AS agent_hours,
       CAST(max(scheduled) AS INTEGER) AS peak_scheduled,
       sum(scheduled * interval_minutes) / 60.0 AS scheduled_hours,
       sum(rostered * interval_minutes) / 60.0 AS rostered_hours,
       sum(service_level * offered) / nullif(sum(offered), 0) AS service_level,
       sum(asa_seconds * offered) / nullif(sum(offered) FILTER (WHERE asa_seconds IS NOT NULL), 0) AS asa_seconds,
       sum(workload_erlangs) / nullif(sum(agents_needed), 0) AS occupancy,
       sum(abandon_rate * offered) / nullif(sum(offered) FILTER (WHERE abandon_rate IS NOT NULL), 0) AS abandon_rate,
       string_agg(DISTINCT method, ', ' ORDER BY method) AS method,
       any_value(model_version) AS model_version
FROM src
GROUP BY CAST(interval_start AS DATE), line, channel
ORDER BY CAST(interval_start AS DATE), channel, line = 'All', line
