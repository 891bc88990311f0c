-- NPS and CSAT of one week or month (satisfaction mart): business total, or one line.
SELECT nps, nps_responses, csat, csat_responses
FROM {{mart:satisfaction}}
WHERE period = {{kind}} AND period_start = {{start}}
  AND ((({{line}}) = 'All' AND dimension = 'all') OR (dimension = 'line' AND value = {{line}}))
