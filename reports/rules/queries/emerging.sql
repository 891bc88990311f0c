-- Topics flagged by topic_anomalies on the days [{{start}}, {{end}}]: the strongest day of each.
SELECT topic, count(*) AS days, arg_max(CAST(date AS VARCHAR), z_score) AS peak_day, max(interactions) AS peak,
       arg_max(baseline, z_score) AS baseline, max(z_score) AS z
FROM {{mart:topic_anomalies}}
WHERE is_anomaly AND date BETWEEN {{start}} AND {{end}}
GROUP BY topic
ORDER BY z DESC, topic
