-- CSAT per week (Monday start, by response date) and line, plus 'All' lines: the weekly all/line
-- rows of the satisfaction mart (CSAT = the share, 0–1, of responses scoring 4 or 5 on the 1-5 scale;
-- metric: csat in transforms/macros/metrics.sql), for weeks with CSAT responses.
SELECT
    period_start                                            AS week_start,
    CASE WHEN dimension = 'all' THEN 'All' ELSE value END   AS line,
    csat_responses                                          AS responses,
    satisfied,
    csat,
    csat_avg_score                                          AS avg_score
FROM {{ ref('satisfaction') }}
WHERE period = 'week' AND dimension IN ('all', 'line') AND csat_responses > 0
ORDER BY week_start, line
