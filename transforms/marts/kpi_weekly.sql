-- The leadership KPIs per week (Monday start) and line, plus 'All' lines, dense over weeks × lines.
-- Every KPI is read from the metrics mart (period 'week', dimensions all and line), where each is
-- defined once (transforms/macros/metrics.sql): answer_rate, avg_handle_seconds (metric aht_seconds),
-- nps (points) and csat (a 0–1 share, by response date), transfer_rate. Only the raw transfer count is
-- summed here.
WITH weeks AS (
    SELECT DISTINCT week_start FROM {{ ref('calendar') }}
),
lines AS (
    SELECT DISTINCT line FROM {{ ref('stg_phone_numbers') }} UNION ALL SELECT 'All'
),
m AS (
    SELECT period_start AS week_start, member AS line,
        max(n) FILTER (WHERE metric = 'calls')               AS calls,
        max(n) FILTER (WHERE metric = 'inbound_calls')       AS inbound_calls,
        max(sum_x) FILTER (WHERE metric = 'answer_rate')     AS answered,
        max(value) FILTER (WHERE metric = 'answer_rate')     AS answer_rate,
        max(n) FILTER (WHERE metric = 'abandoned_calls')     AS abandoned,
        max(value) FILTER (WHERE metric = 'aht_seconds')     AS avg_handle_seconds,
        max(n) FILTER (WHERE metric = 'messages')            AS messages,
        max(value) FILTER (WHERE metric = 'nps')             AS nps,
        max(n) FILTER (WHERE metric = 'nps')                 AS nps_responses,
        max(value) FILTER (WHERE metric = 'csat')            AS csat,
        max(n) FILTER (WHERE metric = 'csat')                AS csat_responses,
        max(value) FILTER (WHERE metric = 'transfer_rate')   AS transfer_rate
    FROM {{ ref('metrics') }}
    WHERE period = 'week' AND dimension IN ('all', 'line')
    GROUP BY ALL
),
transfers AS (
    SELECT date_trunc('week', date)::DATE AS week_start,
        CASE WHEN grouping(line) = 1 THEN 'All' ELSE coalesce(line, 'Unknown') END AS line,
        sum(transfers) AS transfers
    FROM {{ ref('calls') }}
    GROUP BY GROUPING SETS ((week_start, line), (week_start))
)
SELECT
    w.week_start,
    l.line,
    coalesce(m.calls, 0)                                              AS calls,
    coalesce(m.inbound_calls, 0)                                      AS inbound_calls,
    CAST(coalesce(m.answered, 0) AS BIGINT)                           AS answered,
    m.answer_rate,
    coalesce(m.abandoned, 0)                                          AS abandoned,
    m.avg_handle_seconds,
    coalesce(m.messages, 0)                                           AS messages,
    m.nps,
    coalesce(m.nps_responses, 0)                                      AS nps_responses,
    m.csat,
    coalesce(m.csat_responses, 0)                                     AS csat_responses,
    coalesce(t.transfers, 0)::BIGINT                                  AS transfers,
    m.transfer_rate
FROM weeks w
CROSS JOIN lines l
LEFT JOIN m ON m.week_start = w.week_start AND m.line = l.line
LEFT JOIN transfers t ON t.week_start = w.week_start AND t.line = l.line
ORDER BY w.week_start, l.line
