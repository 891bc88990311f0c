-- Service level per line for the period and the one before (60-minute intervals, weighted as in kpi_service_level.sql).
WITH m AS (
  SELECT * FROM (VALUES ('current', {{start}}, {{end}}), ('previous', {{prev_start}}, {{prev_end}})) t(which, period_start, period_end)
)
SELECT m.which, x.line,
       CAST(sum(x.offered) AS BIGINT) AS offered, CAST(sum(x.answered) AS BIGINT) AS answered,
       CAST(sum(x.abandoned) AS BIGINT) AS abandoned,
       sum(x.service_level * (x.answered + x.abandoned_in_queue)) FILTER (WHERE x.service_level IS NOT NULL)
         / nullif(sum(x.answered + x.abandoned_in_queue) FILTER (WHERE x.service_level IS NOT NULL), 0) AS service_level,
       sum(x.asa_seconds * x.answered) FILTER (WHERE x.asa_seconds IS NOT NULL)
         / nullif(sum(x.answered) FILTER (WHERE x.asa_seconds IS NOT NULL), 0) AS asa_seconds
FROM {{mart:service_level_interval}} x JOIN m ON x.date BETWEEN m.period_start AND m.period_end
WHERE x.interval_minutes = 60 AND x.line <> 'All'
GROUP BY ALL
ORDER BY m.which, x.line
