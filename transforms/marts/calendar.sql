-- One row per business-local day covered by the data: weekday, weekend, holiday, open.
WITH bounds AS (
    SELECT min(d) AS first_day, max(d) AS last_day
    FROM (
        SELECT date AS d FROM {{ ref('stg_calls') }}
        UNION ALL SELECT date FROM {{ ref('stg_messages') }}
    )
),
days AS (
    SELECT unnest(generate_series(first_day, last_day, INTERVAL 1 DAY))::DATE AS date FROM bounds
)
SELECT
    d.date,
    isodow(d.date)                              AS iso_weekday,
    dayname(d.date)                             AS weekday_name,
    date_trunc('week', d.date)::DATE            AS week_start,
    isodow(d.date) >= 6                         AS is_weekend,
    h.holiday IS NOT NULL                       AS is_holiday,
    h.holiday,
    isodow(d.date) < 6 AND h.holiday IS NULL    AS is_open
FROM days d
LEFT JOIN {{ seed('holidays') }} h ON h.date = d.date
ORDER BY d.date
