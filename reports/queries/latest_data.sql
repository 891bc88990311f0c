-- The newest interaction in the marts (business-local time) and the last day with data.
SELECT strftime(max(started_at), '%Y-%m-%d %H:%M') AS latest, CAST(max(date) AS VARCHAR) AS last_day
FROM {{mart:interactions}}
