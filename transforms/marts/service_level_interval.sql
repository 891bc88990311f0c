-- Service levels per interval (15, 30 and 60 minutes, business time) and line, for inbound calls.
-- offered = inbound calls; answered; abandoned = hung up in the IVR or the queue; ASA = mean queue
-- wait of answered calls; service_level = calls answered within service_level_seconds of queue
-- wait / (answered + abandoned in queue); AHT = mean handle time of answered calls;
-- missed_rate = (offered − answered) / offered. ASA, service level and AHT use the metrics' macros
-- (transforms/macros/metrics.sql), at this interval grain the metrics mart does not have.
WITH calls AS (
    SELECT * FROM {{ ref('calls') }} WHERE direction = 'incoming'
),
sizes AS (
    SELECT unnest([15, 30, 60]) AS interval_minutes
),
bucketed AS (
    SELECT s.interval_minutes, time_bucket(to_minutes(s.interval_minutes), c.started_at) AS interval_start, c.*
    FROM calls c CROSS JOIN sizes s
)
SELECT
    interval_minutes,
    interval_start,
    interval_start::DATE                                                          AS date,
    line,
    count(*)                                                                      AS offered,
    count(*) FILTER (WHERE outcome = 'answered')                                  AS answered,
    count(*) FILTER (WHERE outcome = 'abandoned')                                 AS abandoned,
    count(*) FILTER (WHERE abandoned_in = 'queue')                                AS abandoned_in_queue,
    avg(asa_x(outcome, queue_seconds))                                            AS asa_seconds,
    count(*) FILTER (WHERE answered_in_time(outcome, queue_seconds, {{ var('service_level_seconds') }}))
        / nullif(count(*) FILTER (WHERE counts_for_service_level(outcome, abandoned_in)), 0) AS service_level,
    avg(aht_x(outcome, handle_seconds))                                           AS aht_seconds,
    count(*) FILTER (WHERE outcome <> 'answered') / count(*)                      AS missed_rate
FROM bucketed
GROUP BY interval_minutes, interval_start, line
ORDER BY interval_minutes, interval_start, line
