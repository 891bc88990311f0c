-- Business days from {{start}} to {{end}}: weekday, holiday name and whether the business was open (calendar mart).
SELECT CAST(date AS VARCHAR) AS date, CAST(iso_weekday AS INTEGER) AS iso_weekday, holiday, is_open
FROM {{mart:calendar}}
WHERE date BETWEEN {{start}} AND {{end}}
ORDER BY date
