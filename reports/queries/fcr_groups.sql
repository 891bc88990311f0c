-- First-contact resolution of one month by line and by topic of the first attempt, with the month before.
SELECT CASE WHEN month = {{month}} THEN 'current' ELSE 'previous' END AS which, dimension, value, cases, fcr_rate
FROM {{mart:fcr}}
WHERE dimension IN ('line', 'topic') AND month IN ({{month}}, {{prev_month}})
ORDER BY dimension, value
