-- Topics flagged by topic_anomalies (a day at least twice its seasonal baseline, z > 4) in the period:
-- days flagged, the peak day against its baseline, and whether the topic was flagged in the period before.
WITH flagged AS (
  SELECT * FROM {{mart:topic_anomalies}} WHERE is_anomaly AND date BETWEEN {{prev_start}} AND {{end}}
), cur AS (
  SELECT topic, count(*) AS days, CAST(min(date) AS VARCHAR) AS first_day,
         arg_max(CAST(date AS VARCHAR), interactions) AS peak_day, max(interactions) AS peak,
         arg_max(baseline, interactions) AS peak_baseline, max(z_score) AS max_z
  FROM flagged WHERE date >= {{start}} GROUP BY topic
)
SELECT cur.*, EXISTS (SELECT 1 FROM flagged f WHERE f.topic = cur.topic AND f.date < {{start}}) AS flagged_before
FROM cur
ORDER BY days DESC, peak DESC, topic
