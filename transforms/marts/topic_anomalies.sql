-- Daily inbound volume per topic against a seasonal baseline: the mean of the same weekday over
-- the previous 8 weeks. A day is flagged when its count is at least 5, at least twice the
-- baseline, and more than 4 Poisson standard deviations above it (z = (count − baseline)/√baseline,
-- baseline floored at 1): strict enough that ten topics over two years of days raise few false alarms.
WITH daily AS (
    SELECT c.date, t.topic, coalesce(sum(td.interactions), 0)::BIGINT AS interactions
    FROM {{ ref('calendar') }} c
    CROSS JOIN (SELECT DISTINCT topic FROM {{ ref('topic_daily') }}) t
    LEFT JOIN {{ ref('topic_daily') }} td ON td.date = c.date AND td.topic = t.topic
    GROUP BY ALL
),
baseline AS (
    SELECT
        d.*,
        avg(interactions) OVER (PARTITION BY topic, isodow(date) ORDER BY date ROWS BETWEEN 8 PRECEDING AND 1 PRECEDING) AS baseline,
        count(*) OVER (PARTITION BY topic, isodow(date) ORDER BY date ROWS BETWEEN 8 PRECEDING AND 1 PRECEDING)          AS baseline_weeks
    FROM daily d
)
SELECT
    date,
    topic,
    interactions,
    baseline,
    (interactions - baseline) / sqrt(greatest(baseline, 1))                        AS z_score,
    coalesce(baseline_weeks = 8 AND interactions >= 5 AND interactions >= 2 * greatest(baseline, 1)
             AND (interactions - greatest(baseline, 1)) / sqrt(greatest(baseline, 1)) > 4, false) AS is_anomaly
FROM baseline
ORDER BY date, topic
