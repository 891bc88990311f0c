-- Inbound interactions per topic in the period against the average of the {{prior_periods}} periods before it
-- (from {{prior_start}}); all channels; the mart's 'All' rows when it has them, else the lines summed.
WITH src AS (
  SELECT * FROM {{mart:topic_daily}} WHERE date BETWEEN {{prior_start}} AND {{end}}
), scoped AS (
  SELECT * FROM src WHERE (line = 'All') = (SELECT coalesce(bool_or(line = 'All'), false) FROM src)
)
SELECT topic,
       CAST(coalesce(sum(interactions) FILTER (WHERE date >= {{start}}), 0) AS BIGINT) AS this_week,
       CAST(coalesce(sum(interactions) FILTER (WHERE date < {{start}}), 0) AS DOUBLE) / {{prior_periods}} AS prior_avg
FROM scoped
GROUP BY topic
ORDER BY this_week DESC, topic
