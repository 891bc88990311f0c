-- The last day with data: the last day of daily_volume (every call and text by business-local day). The
-- leadership report covers complete periods up to it; the staffing plan starts after it.
SELECT CAST(max(date) AS VARCHAR) AS max_date
FROM {{mart:daily_volume}}
