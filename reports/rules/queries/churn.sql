-- Contacts whose latest churn probability is above {{above}}, highest first.
SELECT contact_id, churn_probability, risk_band, top_factor, coalesce(segment, '(none)') AS segment, CAST(as_of AS VARCHAR) AS as_of
FROM {{mart:churn_risk}}
WHERE as_of = (SELECT max(as_of) FROM {{mart:churn_risk}}) AND churn_probability > {{above}} AND contact_id IS NOT NULL
ORDER BY churn_probability DESC, contact_id
LIMIT {{limit}}
