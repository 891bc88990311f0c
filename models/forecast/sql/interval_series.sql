-- Incoming interactions per interval of {{interval_minutes}} minutes (business-local clock) for every
-- line × channel, plus 'All' lines per channel, from the interactions mart. Only non-empty intervals
-- are returned; the caller lays them on a dense grid of days × intervals.
WITH src AS (
    SELECT CAST(date AS DATE) AS date, CAST(line AS VARCHAR) AS line, CAST(channel AS VARCHAR) AS channel,
           CAST((hour(started_at) * 60 + minute(started_at)) // {{interval_minutes}} AS INTEGER) AS slot
    FROM {{interactions}}
    WHERE direction = 'incoming' AND line IS NOT NULL AND started_at IS NOT NULL
),
per_line AS (
    SELECT line, channel, date, slot, count(*)::DOUBLE AS y FROM src GROUP BY ALL
)
SELECT line, channel, date, slot, y FROM per_line
UNION ALL
SELECT 'All' AS line, channel, date, slot, sum(y) AS y FROM per_line GROUP BY ALL
ORDER BY line, channel, date, slot
