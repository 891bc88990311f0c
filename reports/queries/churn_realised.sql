-- How many customers actually left: the latest churn snapshot (contact_features) whose label window has passed.
SELECT CAST(as_of AS VARCHAR) AS as_of, count(*) AS contacts, count(*) FILTER (WHERE label) AS churned
FROM {{mart:contact_features}}
WHERE as_of = (SELECT max(as_of) FROM {{mart:contact_features}} WHERE label IS NOT NULL)
GROUP BY as_of
