-- Service level of a period and the one before: answered within the threshold ÷ (answered + abandoned
-- in queue), weighted over the 60-minute intervals of service_level_interval (every call is in one).
WITH m AS (
  SELECT * FROM (VALUES ({{start}}, {{end}}), ({{prev_start}}, {{prev_end}})) t(period_start, period_end)
)
SELECT CAST(m.period_start AS VARCHAR) AS period_start,
       sum(x.service_level * (x.answered + x.abandoned_in_queue)) FILTER (WHERE x.service_level IS NOT NULL)
         / nullif(sum(x.answered + x.abandoned_in_queue) FILTER (WHERE x.service_level IS NOT NULL), 0) AS service_level
FROM {{mart:service_level_interval}} x JOIN m ON x.date BETWEEN m.period_start AND m.period_end
WHERE x.interval_minutes = 60 AND x.line <> 'All'
GROUP BY m.period_start
ORDER BY 1
