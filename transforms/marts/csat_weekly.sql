-- CSAT per week (Monday start, by response date) and line, plus 'All' lines:
-- CSAT = 100 × share of responses scoring 4 or 5 on the 1-5 scale.
WITH responses AS (
    SELECT date_trunc('week', r.date)::DATE AS week_start, coalesce(i.line, 'Unknown') AS line, r.csat
    FROM {{ ref('stg_survey_responses') }} r
    LEFT JOIN {{ ref('interactions') }} i ON i.interaction_id = r.interaction_id
    WHERE r.csat IS NOT NULL
)
SELECT
    week_start,
    CASE WHEN grouping(line) = 1 THEN 'All' ELSE line END  AS line,
    count(*)                                                AS responses,
    count(*) FILTER (WHERE csat >= 4)                       AS satisfied,
    100.0 * count(*) FILTER (WHERE csat >= 4) / count(*)    AS csat,
    avg(csat)                                               AS avg_score
FROM responses
GROUP BY GROUPING SETS ((week_start, line), (week_start))
ORDER BY week_start, line
