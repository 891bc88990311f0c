-- Contacts by churn-risk band and segment, from the latest scoring date.
WITH latest AS (
  SELECT * FROM {{mart:churn_risk}} WHERE as_of = (SELECT max(as_of) FROM {{mart:churn_risk}})
)
SELECT CAST(max(as_of) AS VARCHAR) AS as_of, coalesce(segment, '(none)') AS segment,
       count(*) AS contacts,
       count(*) FILTER (WHERE risk_band = 'high') AS high,
       count(*) FILTER (WHERE risk_band = 'medium') AS medium
FROM latest
GROUP BY 2
ORDER BY high DESC, contacts DESC, segment
