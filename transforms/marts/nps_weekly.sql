-- NPS per week (Monday start, by response date) and line, plus 'All' lines: the weekly all/line
-- rows of the satisfaction mart, where NPS is defined (promoters 9-10, passives 7-8, detractors 0-6;
-- NPS = 100 × (promoters − detractors) / responses), for weeks with NPS responses.
SELECT
    period_start                                            AS week_start,
    CASE WHEN dimension = 'all' THEN 'All' ELSE value END   AS line,
    nps_responses                                           AS responses,
    promoters,
    passives,
    detractors,
    nps
FROM {{ ref('satisfaction') }}
WHERE period = 'week' AND dimension IN ('all', 'line') AND nps_responses > 0
ORDER BY week_start, line
