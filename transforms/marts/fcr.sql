-- First-contact resolution by month and by line, first agent and topic (and overall), read from the
-- metrics mart (metric: fcr_rate, defined once in transforms/macros/metrics.sql): cases opened in the
-- month whose repeat window has closed; fcr_rate = cases resolved at the first contact / those cases.
SELECT
    strftime(period_start, '%Y-%m')                AS month,
    dimension,
    member                                         AS value,
    n                                              AS cases,
    CAST(sum_x AS BIGINT)                          AS resolved_first_contact,
    value                                          AS fcr_rate
FROM {{ ref('metrics') }}
WHERE metric = 'fcr_rate' AND period = 'month' AND dimension IN ('all', 'line', 'agent', 'topic')
ORDER BY month, dimension, value
