-- Transfers per week and line: transfer rate = inbound answered calls transferred at least once /
-- inbound answered calls; loop rate = transferred calls whose path revisits a team / transferred calls.
WITH c AS (
    SELECT date_trunc('week', c.date)::DATE AS week_start, c.line, c.transfers, coalesce(t.is_loop, false) AS is_loop
    FROM {{ ref('calls') }} c
    LEFT JOIN {{ ref('int_call_teams') }} t USING (call_id)
    WHERE c.direction = 'incoming' AND c.outcome = 'answered'
)
SELECT
    week_start,
    CASE WHEN grouping(line) = 1 THEN 'All' ELSE coalesce(line, 'Unknown') END AS line,
    count(*)                                                   AS answered_calls,
    count(*) FILTER (WHERE is_transferred(transfers))          AS transferred_calls,
    coalesce(sum(transfers), 0)::BIGINT                        AS transfers,
    count(*) FILTER (WHERE is_loop)                            AS looped_calls,
    count(*) FILTER (WHERE is_transferred(transfers)) / count(*) AS transfer_rate,
    count(*) FILTER (WHERE is_loop) / nullif(count(*) FILTER (WHERE is_transferred(transfers)), 0) AS loop_rate
FROM c
GROUP BY GROUPING SETS ((week_start, line), (week_start))
ORDER BY week_start, line
