-- One row per business-local day covered by the data: weekday, week, weekend, holiday and the business's
-- hours that day. Hours and holidays come from the config (business.hours, business.holidays,
-- business.specialDays; holidays from the date-holidays library) through two vars built by
-- models/shared/businessCalendar.ts: the weekly pattern, and the days that differ from it.
WITH bounds AS (
    SELECT min(d) AS first_day, max(d) AS last_day
    FROM (
        SELECT date AS d FROM {{ ref('stg_calls') }}
        UNION ALL SELECT date FROM {{ ref('stg_messages') }}
    )
),
days AS (
    SELECT unnest(generate_series(first_day, last_day, INTERVAL 1 DAY))::DATE AS date FROM bounds
),
weekly AS (
    SELECT w.iso_weekday, w.open_time, w.close_time
    FROM (SELECT unnest(from_json({{ var('calendar_weekly_json') }}, '[{"iso_weekday":"INTEGER","open_time":"VARCHAR","close_time":"VARCHAR"}]'), recursive := true)) w
),
exceptions AS (
    SELECT CAST(e.date AS DATE) AS date, e.holiday, e.special, e.open_time, e.close_time
    FROM (SELECT unnest(from_json({{ var('calendar_days_json') }}, '[{"date":"VARCHAR","holiday":"VARCHAR","special":"VARCHAR","open_time":"VARCHAR","close_time":"VARCHAR"}]'), recursive := true)) e
),
joined AS (
    SELECT d.date,
           e.holiday,
           e.special,
           CASE WHEN e.date IS NULL THEN w.open_time ELSE e.open_time END   AS open_time,
           CASE WHEN e.date IS NULL THEN w.close_time ELSE e.close_time END AS close_time
    FROM days d
    LEFT JOIN exceptions e ON e.date = d.date
    LEFT JOIN weekly w ON w.iso_weekday = isodow(d.date)
)
SELECT
    date,
    isodow(date)                                AS iso_weekday,
    dayname(date)                               AS weekday_name,
    date_trunc('week', date)::DATE              AS week_start,
    isodow(date) >= 6                           AS is_weekend,
    holiday IS NOT NULL                         AS is_holiday,
    holiday,
    open_time IS NOT NULL                       AS is_open,
    open_time,
    close_time,
    CAST(coalesce((CAST(left(close_time, 2) AS INTEGER) * 60 + CAST(right(close_time, 2) AS INTEGER))
        - (CAST(left(open_time, 2) AS INTEGER) * 60 + CAST(right(open_time, 2) AS INTEGER)), 0) AS INTEGER) AS open_minutes,
    special
FROM joined
ORDER BY date
