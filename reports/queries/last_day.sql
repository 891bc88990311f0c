-- The last day with data: the last day the metrics mart counts a call or a text.
SELECT CAST(max(period_start) AS VARCHAR) AS max_date
FROM {{mart:metrics}}
WHERE period = 'day' AND dimension = 'all' AND metric IN ('calls', 'messages')
