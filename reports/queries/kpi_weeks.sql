-- Which weeks kpi_weekly holds for the business total (for error messages).
SELECT CAST(min(week_start) AS VARCHAR) AS first_week, CAST(max(week_start) AS VARCHAR) AS last_week, count(*) AS weeks
FROM {{mart:kpi_weekly}} WHERE line = 'All'
