-- Transfers per week and line (plus 'All'), read from the metrics mart (metric: transfer_rate, metric:
-- loop_rate, defined once in transforms/macros/metrics.sql): transfer rate = answered inbound calls
-- transferred at least once / answered inbound calls; loop rate = transferred calls whose path revisits
-- a team / transferred calls. Only the raw transfer count is summed here.
WITH m AS (
    SELECT period_start AS week_start, CASE WHEN dimension = 'all' THEN 'All' ELSE member END AS line,
        max(n) FILTER (WHERE metric = 'transfer_rate')       AS answered_calls,
        max(sum_x) FILTER (WHERE metric = 'transfer_rate')   AS transferred_calls,
        max(value) FILTER (WHERE metric = 'transfer_rate')   AS transfer_rate,
        max(sum_x) FILTER (WHERE metric = 'loop_rate')       AS looped_calls,
        max(value) FILTER (WHERE metric = 'loop_rate')       AS loop_rate
    FROM {{ ref('metrics') }}
    WHERE period = 'week' AND dimension IN ('all', 'line') AND metric IN ('transfer_rate', 'loop_rate')
    GROUP BY ALL
),
t AS (
    SELECT date_trunc('week', date)::DATE AS week_start,
        CASE WHEN grouping(line) = 1 THEN 'All' ELSE coalesce(line, 'Unknown') END AS line,
        coalesce(sum(transfers), 0)::BIGINT AS transfers
    FROM {{ ref('calls') }}
    WHERE direction = 'incoming' AND outcome = 'answered'
    GROUP BY GROUPING SETS ((week_start, line), (week_start))
)
SELECT
    m.week_start,
    m.line,
    m.answered_calls,
    CAST(m.transferred_calls AS BIGINT)                        AS transferred_calls,
    coalesce(t.transfers, 0)                                   AS transfers,
    CAST(coalesce(m.looped_calls, 0) AS BIGINT)                AS looped_calls,
    m.transfer_rate,
    m.loop_rate
FROM m
LEFT JOIN t USING (week_start, line)
WHERE m.answered_calls IS NOT NULL
ORDER BY m.week_start, m.line
