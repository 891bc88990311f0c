-- Emerging terms and irritants: words and 2-3 word phrases of the customers' own texts (inbound
-- messages, the customer's turns of call transcripts, survey comments; extracted by the enrich
-- stage from redacted text) whose share of the week's customer texts jumps against the trailing
-- emerging_baseline_weeks weeks, per theme: all, irritant (negative sentences), objection and
-- feedback (sentences with a configured cue phrase). Same test as emerging_topics: G² of the 2×2
-- table (texts with / without the term × this week / baseline) ≥ emerging_g2, count ≥
-- emerging_min_count, share ≥ emerging_min_ratio × baseline share, complete baseline.
-- is_new: the term never occurred in the baseline (a new objection or complaint).
-- Only terms used by at least min_group_size distinct contacts in the week are listed: a rarer
-- phrase could point at one person.
WITH docs AS (
    SELECT x.text_id, date_trunc('week', x.date)::DATE AS week_start, x.contact_id
    FROM {{ ref('int_customer_texts') }} x
    WHERE x.date IS NOT NULL
),
terms AS (
    SELECT d.week_start, t.theme, t.term, t.words, d.text_id, d.contact_id
    FROM {{ source('text_terms') }} t
    JOIN docs d ON d.text_id = t.interaction_id
),
week_docs AS (
    SELECT week_start, count(DISTINCT text_id) AS week_texts FROM terms WHERE theme = 'all' GROUP BY ALL
),
weeks AS (
    SELECT w.week_start, coalesce(d.week_texts, 0) AS week_texts
    FROM (SELECT DISTINCT week_start FROM {{ ref('calendar') }}) w
    LEFT JOIN week_docs d USING (week_start)
),
counts AS (
    SELECT week_start, theme, term, any_value(words) AS words, count(DISTINCT text_id) AS n, count(DISTINCT contact_id) AS contacts
    FROM terms
    GROUP BY week_start, theme, term
),
grid AS (
    SELECT w.week_start, w.week_texts, k.theme, k.term, k.words, coalesce(c.n, 0) AS n, coalesce(c.contacts, 0) AS contacts
    FROM weeks w
    CROSS JOIN (SELECT theme, term, any_value(words) AS words FROM counts GROUP BY ALL) k
    LEFT JOIN counts c ON c.week_start = w.week_start AND c.theme = k.theme AND c.term = k.term
),
windowed AS (
    SELECT *,
        sum(n) OVER w          AS baseline_n,
        sum(week_texts) OVER w AS baseline_texts,
        count(*) OVER w        AS baseline_weeks
    FROM grid
    WINDOW w AS (PARTITION BY theme, term ORDER BY week_start ROWS BETWEEN {{ var('emerging_baseline_weeks') }} PRECEDING AND 1 PRECEDING)
),
cells AS (
    SELECT *,
        n::DOUBLE AS a, (week_texts - n)::DOUBLE AS b, coalesce(baseline_n, 0)::DOUBLE AS c, coalesce(baseline_texts - baseline_n, 0)::DOUBLE AS d,
        n / nullif(week_texts, 0) AS share, baseline_n / nullif(baseline_texts, 0) AS baseline_share
    FROM windowed
    -- Only weeks that could pass the count and privacy floors are tested (the baseline above used every week).
    WHERE n >= {{ var('emerging_min_count') }} AND contacts >= {{ var('min_group_size') }}
),
scored AS (
    SELECT *, g2_2x2(a, b, c, d) AS g2 FROM cells
)
SELECT
    week_start,
    theme,
    term,
    words,
    n                                                        AS texts,
    contacts,
    week_texts,
    share,
    coalesce(baseline_n, 0)::BIGINT                          AS baseline_texts_with_term,
    coalesce(baseline_texts, 0)::BIGINT                      AS baseline_texts,
    baseline_share,
    share / nullif(baseline_share, 0)                        AS ratio,
    g2,
    baseline_weeks = {{ var('emerging_baseline_weeks') }}
        AND share >= {{ var('emerging_min_ratio') }} * coalesce(baseline_share, 0)
        AND share > coalesce(baseline_share, 0)
        AND g2 >= {{ var('emerging_g2') }}                   AS is_emerging,
    baseline_weeks = {{ var('emerging_baseline_weeks') }} AND coalesce(baseline_n, 0) = 0 AS is_new,
    week_start = (SELECT max(week_start) FROM weeks)         AS is_latest_week
FROM scored
ORDER BY week_start, theme, term
