-- What drives the expected churn of the latest scoring: each customer's main risk factor (churn_risk.top_factor,
-- its leading count removed so that "3 missed calls…" and "5 missed calls…" are one driver), weighted by probability.
WITH latest AS (
  SELECT * FROM {{mart:churn_risk}} WHERE as_of = (SELECT max(as_of) FROM {{mart:churn_risk}})
)
SELECT regexp_replace(regexp_replace(top_factor, '^[0-9][0-9.,]* ', ''), '^(missed or abandoned|negative) call ', '\1 calls ') AS driver,
       count(*) AS contacts, sum(churn_probability) AS expected
FROM latest
WHERE top_factor IS NOT NULL AND top_factor NOT LIKE 'no risk factor%'
GROUP BY 1
ORDER BY expected DESC, driver
LIMIT 3
