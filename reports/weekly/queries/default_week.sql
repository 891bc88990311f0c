-- The last complete Monday-Sunday week: the Sunday on or before the last day in daily_volume,
-- but never past the last week kpi_weekly holds for the business total.
WITH d AS (SELECT max(date) AS max_date FROM {{mart:daily_volume}}),
     k AS (SELECT max(week_start) AS max_week FROM {{mart:kpi_weekly}} WHERE line = 'All')
SELECT
  CAST(d.max_date - CAST(isodow(d.max_date) % 7 AS INTEGER) AS VARCHAR) AS daily_sunday,
  CAST(k.max_week + 6 AS VARCHAR) AS kpi_sunday,
  CAST(d.max_date AS VARCHAR) AS max_date
FROM d, k
