-- Mean patience per line for Erlang A, by maximum likelihood for exponential patience with censoring:
-- (seconds waited in the queue by every queued call, answered or not) ÷ (calls abandoned in the queue).
-- Answered calls and queue timeouts are censored observations: they waited that long without giving up.
-- NULL (Erlang A not used) when fewer than {{min_abandoned}} calls abandoned in the queue.
WITH src AS (
    SELECT line, queue_seconds, abandoned_in = 'queue' AS abandoned
    FROM {{calls}}
    WHERE direction = 'incoming' AND queue_seconds IS NOT NULL AND coalesce(abandoned_in, '') <> 'ivr'
      AND date > (SELECT max(date) FROM {{calls}}) - {{lookback_days}}
),
both_levels AS (
    SELECT line, queue_seconds, abandoned FROM src
    UNION ALL
    SELECT 'All', queue_seconds, abandoned FROM src
)
SELECT line,
       count(*) FILTER (WHERE abandoned)::DOUBLE AS abandoned_calls,
       sum(queue_seconds)::DOUBLE AS queue_seconds,
       CASE WHEN count(*) FILTER (WHERE abandoned) >= {{min_abandoned}}
            THEN (sum(queue_seconds) / count(*) FILTER (WHERE abandoned))::DOUBLE END AS patience_seconds
FROM both_levels
GROUP BY line
ORDER BY line
