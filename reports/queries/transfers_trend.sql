-- Business-total transfer rate (transferred ÷ answered inbound) and loop rate (looped ÷ transferred) per week from {{from}} to {{to}}.
SELECT CAST(week_start AS VARCHAR) AS week_start, answered_calls, transferred_calls, looped_calls, transfer_rate, loop_rate
FROM {{mart:transfers_weekly}}
WHERE line = 'All' AND week_start BETWEEN {{from}} AND {{to}}
ORDER BY week_start
