-- NPS per week (Monday start, by response date) and line, plus 'All' lines:
-- promoters score 9-10, passives 7-8, detractors 0-6; NPS = 100 × (promoters − detractors) / responses.
WITH responses AS (
    SELECT date_trunc('week', r.date)::DATE AS week_start, coalesce(i.line, 'Unknown') AS line, r.nps
    FROM {{ ref('stg_survey_responses') }} r
    LEFT JOIN {{ ref('interactions') }} i ON i.interaction_id = r.interaction_id
    WHERE r.nps IS NOT NULL
)
SELECT
    week_start,
    CASE WHEN grouping(line) = 1 THEN 'All' ELSE line END  AS line,
    count(*)                                                AS responses,
    count(*) FILTER (WHERE nps >= 9)                        AS promoters,
    count(*) FILTER (WHERE nps BETWEEN 7 AND 8)             AS passives,
    count(*) FILTER (WHERE nps <= 6)                        AS detractors,
    100.0 * (count(*) FILTER (WHERE nps >= 9) - count(*) FILTER (WHERE nps <= 6)) / count(*) AS nps
FROM responses
GROUP BY GROUPING SETS ((week_start, line), (week_start))
ORDER BY week_start, line
