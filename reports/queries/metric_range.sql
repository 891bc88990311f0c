-- Metrics over the days [{{start}}, {{end}}] for one dimension, from the metrics mart's day rows: n, Σx and Σx²
-- add up exactly, and the value and its 95% margin come from the metric macros (transforms/macros/metrics.sql).
SELECT member, metric, any_value(unit) AS unit,
       CAST(sum(n) AS BIGINT) AS n, sum(sum_x) AS sum_x, sum(sum_x2) AS sum_x2,
       CASE WHEN any_value(unit) = 'count' THEN CAST(sum(n) AS DOUBLE) ELSE metric_value(sum(sum_x), sum(n)) END AS value,
       CASE WHEN any_value(unit) = 'count' THEN NULL ELSE metric_margin95(sum(sum_x), sum(sum_x2), sum(n)) END AS margin95
FROM {{mart:metrics}}
WHERE period = 'day' AND dimension = {{dimension}} AND period_start BETWEEN {{start}} AND {{end}}
GROUP BY member, metric
ORDER BY member, metric
