-- Incoming interactions per day for every line × channel, plus 'All' lines per channel, from the
-- daily_volume mart (dense: days without any are 0). Outgoing interactions are not demand.
WITH src AS (
    SELECT CAST(date AS DATE) AS date, CAST(line AS VARCHAR) AS line, CAST(channel AS VARCHAR) AS channel,
           CAST(interactions AS DOUBLE) AS y
    FROM {{daily_volume}}
    WHERE direction = 'incoming' AND line IS NOT NULL
),
per_line AS (
    SELECT line, channel, date, sum(y) AS y FROM src GROUP BY ALL
)
SELECT line, channel, date, y FROM per_line
UNION ALL
SELECT 'All' AS line, channel, date, sum(y) AS y FROM per_line GROUP BY ALL
ORDER BY line, channel, date
