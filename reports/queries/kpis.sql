-- The business-total KPI rows of the report week and the week before, exactly as the mart holds them.
SELECT
  CAST(week_start AS VARCHAR) AS period_start,
  calls, inbound_calls, answered, answer_rate, abandoned, avg_handle_seconds, messages,
  nps, nps_responses, csat, csat_responses, transfers, transfer_rate
FROM {{mart:kpi_weekly}}
WHERE line = 'All' AND week_start IN ({{week_start}}, {{prev_week_start}})
ORDER BY week_start
