-- NPS and CSAT by period (week, month) and by dimension (all, line, agent, segment), with 95%
-- confidence intervals, by response date (the metrics mart holds the same by line, agent, segment, channel
-- and topic; formulas in transforms/macros/metrics.sql). NPS = 100·(promoters − detractors)/responses, its standard error
-- 100·√((p + d − (p − d)²)/n) with p, d the promoter and detractor shares; CSAT = the share (0–1, like
-- every share) scoring 4-5, with a Wilson score interval.
WITH r AS (
    SELECT
        s.date, s.nps, s.csat,
        coalesce(i.line, 'Unknown')                                AS line,
        coalesce(i.agent_id, 'unassigned')                         AS agent,
        coalesce(c.segment, 'Unknown')                             AS segment
    FROM {{ ref('stg_survey_responses') }} s
    LEFT JOIN {{ ref('interactions') }} i ON i.interaction_id = s.interaction_id
    LEFT JOIN {{ ref('stg_contacts') }} c ON c.contact_id = coalesce(s.contact_id, i.contact_id)
),
periods AS (
    SELECT 'week' AS period, date_trunc('week', date)::DATE AS period_start, * FROM r
    UNION ALL
    SELECT 'month', date_trunc('month', date)::DATE, * FROM r
),
long AS (
    SELECT period, period_start, 'all' AS dimension, 'All' AS value, nps, csat FROM periods
    UNION ALL SELECT period, period_start, 'line', line, nps, csat FROM periods
    UNION ALL SELECT period, period_start, 'agent', agent, nps, csat FROM periods
    UNION ALL SELECT period, period_start, 'segment', segment, nps, csat FROM periods
),
agg AS (
    SELECT
        period, period_start, dimension, value,
        count(nps)                                   AS nps_responses,
        count(*) FILTER (WHERE is_promoter(nps))     AS promoters,
        count(*) FILTER (WHERE NOT is_promoter(nps) AND NOT is_detractor(nps)) AS passives,
        count(*) FILTER (WHERE is_detractor(nps))    AS detractors,
        count(csat)                                  AS csat_responses,
        count(*) FILTER (WHERE is_csat_satisfied(csat)) AS satisfied,
        avg(csat)                                    AS csat_avg_score
    FROM long
    GROUP BY ALL
),
scored AS (
    SELECT *,
        promoters / nullif(nps_responses, 0)         AS p,
        detractors / nullif(nps_responses, 0)        AS d,
        satisfied / nullif(csat_responses, 0)        AS s
    FROM agg
)
SELECT
    period, period_start, dimension, value,
    nps_responses, promoters, passives, detractors,
    nps_value(promoters, detractors, nps_responses)                      AS nps,
    100 * (p - d) - 196 * sqrt((p + d - (p - d) ^ 2) / nps_responses)    AS nps_ci_low,
    100 * (p - d) + 196 * sqrt((p + d - (p - d) ^ 2) / nps_responses)    AS nps_ci_high,
    csat_responses, satisfied,
    s                                                                    AS csat,
    -- Clamped to [0, 1] and to the estimate itself: at s = 0 or 1 rounding would otherwise stray by 1e-14.
    least(s, greatest(0, (s + 1.96 ^ 2 / (2 * csat_responses) - 1.96 * sqrt(s * (1 - s) / csat_responses + 1.96 ^ 2 / (4 * csat_responses ^ 2)))
        / (1 + 1.96 ^ 2 / csat_responses)))                              AS csat_ci_low,
    greatest(s, least(1, (s + 1.96 ^ 2 / (2 * csat_responses) + 1.96 * sqrt(s * (1 - s) / csat_responses + 1.96 ^ 2 / (4 * csat_responses ^ 2)))
        / (1 + 1.96 ^ 2 / csat_responses)))                              AS csat_ci_high,
    csat_avg_score
FROM scored
ORDER BY period, period_start, dimension, value
