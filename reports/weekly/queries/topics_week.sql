-- Interactions per topic this week against the average of the 4 weeks before it
-- (all channels; the mart's 'All' rows when it has them, else the lines summed).
WITH src AS (
  SELECT * FROM {{mart:topic_daily}} WHERE date BETWEEN {{prior_start}} AND {{week_end}}
), scoped AS (
  SELECT * FROM src WHERE (line = 'All') = (SELECT coalesce(bool_or(line = 'All'), false) FROM src)
)
SELECT topic,
       CAST(coalesce(sum(interactions) FILTER (WHERE date >= {{week_start}}), 0) AS BIGINT) AS this_week,
       CAST(coalesce(sum(interactions) FILTER (WHERE date < {{week_start}}), 0) AS DOUBLE) / 4 AS prior_avg
FROM scoped
GROUP BY topic
ORDER BY this_week DESC, topic
