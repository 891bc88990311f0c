-- The latest churn scoring (churn_risk) by segment: customers scored, expected churners (the sum of the
-- calibrated probabilities), and the customers at or above a probability of {{threshold}} with their expected churners.
WITH latest AS (
  SELECT * FROM {{mart:churn_risk}} WHERE as_of = (SELECT max(as_of) FROM {{mart:churn_risk}})
)
SELECT CAST(max(as_of) AS VARCHAR) AS as_of, coalesce(segment, 'Unknown') AS segment,
       count(*) AS contacts, sum(churn_probability) AS expected,
       count(*) FILTER (WHERE churn_probability >= {{threshold}}) AS above,
       coalesce(sum(churn_probability) FILTER (WHERE churn_probability >= {{threshold}}), 0) AS expected_above
FROM latest
GROUP BY 2
ORDER BY expected DESC, segment
