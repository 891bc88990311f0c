-- The 10 contacts most likely to churn, from the latest scoring date (ids are pseudonymous).
SELECT contact_id, coalesce(segment, '(none)') AS segment, churn_probability, risk_band, top_factor,
       CAST(as_of AS VARCHAR) AS as_of
FROM {{mart:churn_risk}}
WHERE as_of = (SELECT max(as_of) FROM {{mart:churn_risk}})
ORDER BY churn_probability DESC, contact_id
LIMIT 10
