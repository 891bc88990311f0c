-- First-contact resolution (percent) of one month: business total, or one line.
SELECT cases AS sample, 100.0 * fcr_rate AS fcr_rate
FROM {{mart:fcr}}
WHERE month = {{month}} AND ((({{line}}) = 'All' AND dimension = 'all') OR (dimension = 'line' AND value = {{line}}))
