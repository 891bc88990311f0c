-- Service level (percent) over [{{start}}, {{end}}]: answered within the threshold ÷ (answered + abandoned in queue),
-- weighted over the 60-minute intervals; the sample is those calls.
SELECT CAST(sum(answered + abandoned_in_queue) FILTER (WHERE service_level IS NOT NULL) AS BIGINT) AS sample,
       100.0 * sum(service_level * (answered + abandoned_in_queue)) FILTER (WHERE service_level IS NOT NULL)
         / nullif(sum(answered + abandoned_in_queue) FILTER (WHERE service_level IS NOT NULL), 0) AS service_level
FROM {{mart:service_level_interval}}
WHERE interval_minutes = 60 AND line <> 'All' AND date BETWEEN {{start}} AND {{end}} AND ({{line}} = 'All' OR line = {{line}})
