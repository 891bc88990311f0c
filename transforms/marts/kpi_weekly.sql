-- The leadership KPIs per week (Monday start) and line, plus 'All' lines. Definitions:
-- answer_rate = answered inbound calls / inbound calls; avg_handle_seconds = mean answered→completed
-- of answered inbound calls; transfer_rate = inbound calls with ≥1 transfer / answered inbound calls.
WITH weeks AS (
    SELECT DISTINCT week_start FROM {{ ref('calendar') }}
),
lines AS (
    SELECT DISTINCT line FROM {{ ref('stg_phone_numbers') }} UNION ALL SELECT 'All'
),
calls AS (
    SELECT date_trunc('week', date)::DATE AS week_start, line, direction, outcome, handle_seconds, transfers
    FROM {{ ref('calls') }}
),
call_kpis AS (
    SELECT
        week_start,
        CASE WHEN grouping(line) = 1 THEN 'All' ELSE coalesce(line, 'Unknown') END  AS line,
        count(*)                                                                    AS calls,
        count(*) FILTER (WHERE direction = 'incoming')                              AS inbound_calls,
        count(*) FILTER (WHERE direction = 'incoming' AND outcome = 'answered')     AS answered,
        count(*) FILTER (WHERE direction = 'incoming' AND outcome = 'abandoned')    AS abandoned,
        avg(handle_seconds) FILTER (WHERE direction = 'incoming' AND outcome = 'answered') AS avg_handle_seconds,
        sum(transfers)                                                              AS transfers,
        count(*) FILTER (WHERE direction = 'incoming' AND outcome = 'answered' AND is_transferred(transfers)) AS transferred_calls
    FROM calls
    GROUP BY GROUPING SETS ((week_start, line), (week_start))
),
message_kpis AS (
    SELECT date_trunc('week', date)::DATE AS week_start, CASE WHEN grouping(line) = 1 THEN 'All' ELSE coalesce(line, 'Unknown') END AS line, count(*) AS messages
    FROM {{ ref('stg_messages') }}
    GROUP BY GROUPING SETS ((week_start, line), (week_start))
)
SELECT
    w.week_start,
    l.line,
    coalesce(c.calls, 0)                                              AS calls,
    coalesce(c.inbound_calls, 0)                                      AS inbound_calls,
    coalesce(c.answered, 0)                                           AS answered,
    c.answered / nullif(c.inbound_calls, 0)                           AS answer_rate,
    coalesce(c.abandoned, 0)                                          AS abandoned,
    c.avg_handle_seconds,
    coalesce(m.messages, 0)                                           AS messages,
    n.nps,
    coalesce(n.responses, 0)                                          AS nps_responses,
    s.csat,
    coalesce(s.responses, 0)                                          AS csat_responses,
    coalesce(c.transfers, 0)::BIGINT                                  AS transfers,
    c.transferred_calls / nullif(c.answered, 0)                       AS transfer_rate
FROM weeks w
CROSS JOIN lines l
LEFT JOIN call_kpis c ON c.week_start = w.week_start AND c.line = l.line
LEFT JOIN message_kpis m ON m.week_start = w.week_start AND m.line = l.line
LEFT JOIN {{ ref('nps_weekly') }} n ON n.week_start = w.week_start AND n.line = l.line
LEFT JOIN {{ ref('csat_weekly') }} s ON s.week_start = w.week_start AND s.line = l.line
ORDER BY w.week_start, l.line
