-- The business metrics' definitions, one row per metric, as transforms/seeds/metric_definitions.csv
-- holds them (formulas: transforms/macros/metrics.sql; values: the metrics mart). The reports' appendix
-- and the alert rules read them from here.
SELECT
    metric,
    label,
    unit,
    kind,
    counted,
    time_basis,
    CAST(higher_is_better AS BOOLEAN) AS higher_is_better,
    CAST(min_sample AS BIGINT)        AS min_sample,
    definition
FROM {{ seed('metric_definitions') }}
ORDER BY metric
