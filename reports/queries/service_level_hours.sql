-- The period's service level by weekday and hour (business time), all lines: answered within the
-- threshold ÷ (answered + abandoned in queue), weighted over the 60-minute intervals; ASA weighted by answered calls.
SELECT CAST(isodow(interval_start) AS INTEGER) AS iso_weekday, CAST(hour(interval_start) AS INTEGER) AS hour,
       CAST(sum(offered) AS BIGINT) AS offered,
       CAST(coalesce(sum(answered + abandoned_in_queue) FILTER (WHERE service_level IS NOT NULL), 0) AS BIGINT) AS sl_calls,
       sum(service_level * (answered + abandoned_in_queue)) FILTER (WHERE service_level IS NOT NULL)
         / nullif(sum(answered + abandoned_in_queue) FILTER (WHERE service_level IS NOT NULL), 0) AS service_level,
       sum(asa_seconds * answered) FILTER (WHERE asa_seconds IS NOT NULL)
         / nullif(sum(answered) FILTER (WHERE asa_seconds IS NOT NULL), 0) AS asa_seconds
FROM {{mart:service_level_interval}}
WHERE interval_minutes = 60 AND line <> 'All' AND date BETWEEN {{start}} AND {{end}}
GROUP BY ALL
ORDER BY iso_weekday, hour
