-- First-contact resolution by month and by line, first agent and topic (and overall):
-- fcr_rate = cases resolved at the first attempt / cases, censored cases excluded.
WITH c AS (
    SELECT strftime(date, '%Y-%m') AS month, line, first_agent_id, topic, resolved_first_contact
    FROM {{ ref('cases') }}
    WHERE NOT censored
),
by_dimension AS (
    SELECT month, 'all' AS dimension, 'All' AS value, count(*) AS cases, count(*) FILTER (WHERE resolved_first_contact) AS resolved FROM c GROUP BY ALL
    UNION ALL
    SELECT month, 'line', coalesce(line, 'Unknown'), count(*), count(*) FILTER (WHERE resolved_first_contact) FROM c GROUP BY ALL
    UNION ALL
    SELECT month, 'agent', coalesce(first_agent_id, 'unassigned'), count(*), count(*) FILTER (WHERE resolved_first_contact) FROM c GROUP BY ALL
    UNION ALL
    SELECT month, 'topic', coalesce(topic, 'unclassified'), count(*), count(*) FILTER (WHERE resolved_first_contact) FROM c GROUP BY ALL
)
SELECT month, dimension, value, cases, resolved AS resolved_first_contact, resolved / cases AS fcr_rate
FROM by_dimension
ORDER BY month, dimension, value
