-- Inbound calls and their answer and abandonment rates (percent) over [{{start}}, {{end}}] on one line or All,
-- from call_outcomes_daily: the sample is the inbound calls.
SELECT CAST(sum(calls) AS BIGINT) AS sample,
       100.0 * sum(calls) FILTER (WHERE outcome = 'answered') / nullif(sum(calls), 0) AS answer_rate,
       100.0 * sum(calls) FILTER (WHERE outcome = 'abandoned') / nullif(sum(calls), 0) AS abandonment_rate,
       CAST(sum(calls) AS DOUBLE) AS inbound_calls
FROM {{mart:call_outcomes_daily}}
WHERE date BETWEEN {{start}} AND {{end}} AND line <> 'All' AND ({{line}} = 'All' OR line = {{line}})
