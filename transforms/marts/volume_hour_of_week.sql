-- Inbound volume by hour of the week (ISO weekday × hour, business time) per line and channel:
-- the average per week over the weeks in the data, and over the latest 8 weeks.
WITH weeks AS (
    SELECT count(DISTINCT week_start) AS n, max(week_start) AS last_week FROM {{ ref('calendar') }}
),
i AS (
    SELECT isodow(started_at) AS iso_weekday, hour(started_at) AS hour, line, channel,
           date_trunc('week', date)::DATE > w.last_week - INTERVAL 8 WEEK AS recent, w.n
    FROM {{ ref('interactions') }}, weeks w
    WHERE direction = 'incoming'
)
SELECT
    iso_weekday,
    hour,
    line,
    channel,
    count(*)                                                        AS interactions,
    count(*) / any_value(n)                                         AS per_week,
    count(*) FILTER (WHERE recent) / least(8, any_value(n))         AS per_week_last_8
FROM i
GROUP BY iso_weekday, hour, line, channel
ORDER BY iso_weekday, hour, line, channel
