-- Average handle time of answered incoming calls per line, weekday and interval of the day, over the
-- last {{lookback_days}} days of history, shrunk toward the line's average where an interval has few calls
-- (a weighted mean with the line average counted as {{prior_calls}} calls), so a quiet interval does not
-- swing on one long call. 'All' pools every line.
WITH src AS (
    SELECT line, isodow(date) AS iso_weekday,
           (hour(started_at) * 60 + minute(started_at)) // {{interval_minutes}} AS slot,
           handle_seconds
    FROM {{calls}}
    WHERE direction = 'incoming' AND handle_seconds IS NOT NULL AND handle_seconds > 0
      AND date > (SELECT max(date) FROM {{calls}}) - {{lookback_days}}
),
both_levels AS (
    SELECT line, iso_weekday, slot, handle_seconds FROM src
    UNION ALL
    SELECT 'All', iso_weekday, slot, handle_seconds FROM src
),
per_line AS (
    SELECT line, avg(handle_seconds) AS line_aht, count(*) AS line_calls FROM both_levels GROUP BY line
),
per_slot AS (
    SELECT line, iso_weekday, slot, count(*) AS calls, sum(handle_seconds) AS total FROM both_levels GROUP BY ALL
)
SELECT s.line, s.iso_weekday::INTEGER AS iso_weekday, s.slot::INTEGER AS slot, s.calls::DOUBLE AS calls,
       ((s.total + {{prior_calls}} * l.line_aht) / (s.calls + {{prior_calls}}))::DOUBLE AS aht_seconds,
       l.line_aht::DOUBLE AS line_aht_seconds
FROM per_slot s JOIN per_line l USING (line)
ORDER BY line, iso_weekday, slot
