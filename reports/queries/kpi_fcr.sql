-- First-contact resolution of a month and the month before (cases counted by the month they opened).
SELECT month || '-01' AS period_start, fcr_rate, cases AS fcr_cases
FROM {{mart:fcr}}
WHERE dimension = 'all' AND month IN ({{month}}, {{prev_month}})
ORDER BY 1
