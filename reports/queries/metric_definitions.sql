-- Every metric's definition (metric_definitions mart, from transforms/seeds/metric_definitions.csv).
SELECT metric, label, unit, kind, counted, time_basis, higher_is_better, min_sample, definition
FROM {{mart:metric_definitions}}
ORDER BY metric
