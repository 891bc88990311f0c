-- Emerging topics: per week (Monday start, business-local) and topic, inbound interactions on the
-- topic against the same topic's share over the trailing emerging_baseline_weeks weeks (default 8).
-- Test: log-likelihood ratio G² of the 2×2 table (topic / other topics × this week / baseline),
-- G² = 2 Σ O·ln(O/E), 1 degree of freedom (Dunning 1993). A topic emerges in a week when the
-- baseline is complete, it has at least emerging_min_count interactions, its share is at least
-- emerging_min_ratio times the baseline share and G² ≥ emerging_g2 (default 15.13: p < 0.0001).
WITH weeks AS (
    SELECT DISTINCT week_start FROM {{ ref('calendar') }}
),
topics AS (
    SELECT DISTINCT topic FROM {{ ref('interactions') }} WHERE direction = 'incoming'
),
counts AS (
    SELECT date_trunc('week', date)::DATE AS week_start, topic, count(*) AS n
    FROM {{ ref('interactions') }}
    WHERE direction = 'incoming'
    GROUP BY ALL
),
grid AS (
    SELECT w.week_start, t.topic, coalesce(c.n, 0) AS n
    FROM weeks w CROSS JOIN topics t
    LEFT JOIN counts c ON c.week_start = w.week_start AND c.topic = t.topic
),
totals AS (
    SELECT *, sum(n) OVER (PARTITION BY week_start) AS week_total FROM grid
),
windowed AS (
    SELECT
        *,
        sum(n) OVER w                  AS baseline_n,
        sum(week_total) OVER w         AS baseline_total,
        count(*) OVER w                AS baseline_weeks
    FROM totals
    WINDOW w AS (PARTITION BY topic ORDER BY week_start ROWS BETWEEN {{ var('emerging_baseline_weeks') }} PRECEDING AND 1 PRECEDING)
),
cells AS (
    -- The 2×2 table: a = topic this week, b = other topics this week, c = topic in the baseline, d = other topics in the baseline.
    SELECT *,
        n::DOUBLE AS a, (week_total - n)::DOUBLE AS b, coalesce(baseline_n, 0)::DOUBLE AS c, coalesce(baseline_total - baseline_n, 0)::DOUBLE AS d
    FROM windowed
),
tested AS (
    SELECT *,
        n / nullif(week_total, 0)                    AS share,
        baseline_n / nullif(baseline_total, 0)       AS baseline_share
    FROM cells
),
scored AS (
    SELECT *, g2_2x2(a, b, c, d) AS g2 FROM tested
)
SELECT
    week_start,
    topic,
    n                                                               AS interactions,
    week_total::BIGINT                                              AS week_interactions,
    share,
    coalesce(baseline_n, 0)::BIGINT                                 AS baseline_interactions,
    coalesce(baseline_total, 0)::BIGINT                             AS baseline_week_interactions,
    baseline_share,
    share / nullif(baseline_share, 0)                               AS ratio,
    g2,
    coalesce(baseline_weeks = {{ var('emerging_baseline_weeks') }}
        AND n >= {{ var('emerging_min_count') }}
        AND share >= {{ var('emerging_min_ratio') }} * coalesce(baseline_share, 0)
        AND share > coalesce(baseline_share, 0)
        AND g2 >= {{ var('emerging_g2') }}, false)                   AS is_emerging,
    week_start = max(week_start) OVER ()                            AS is_latest_week
FROM scored
ORDER BY week_start, topic
