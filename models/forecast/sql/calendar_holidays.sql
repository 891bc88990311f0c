-- Days the calendar mart covers, with its holiday flag.
SELECT CAST(date AS DATE) AS date, CAST(coalesce(is_holiday, false) AS INTEGER) AS is_holiday
FROM {{calendar}}
ORDER BY date
