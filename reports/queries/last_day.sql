-- The last day with data: the last day of daily_volume, but no later than the Sunday of the last
-- business-total week in kpi_weekly (so a weekly report never asks for a week kpi_weekly lacks).
WITH d AS (SELECT max(date) AS max_date FROM {{mart:daily_volume}}),
     k AS (SELECT max(week_start) AS max_week FROM {{mart:kpi_weekly}} WHERE line = 'All')
SELECT CAST(d.max_date AS VARCHAR) AS max_date, CAST(k.max_week + 6 AS VARCHAR) AS kpi_sunday
FROM d, k
