-- The customers' own recurring phrases: per month and theme (all, irritant, objection, feedback;
-- see emerging_terms), the 2-3 word phrases of customer texts used by the most distinct contacts,
-- the top 25 of each month and theme. Only phrases used by at least min_group_size contacts in the
-- month are listed: a rarer phrase could point at one person.
WITH texts AS (
    SELECT text_id, strftime(date, '%Y-%m') AS month, contact_id FROM {{ ref('int_customer_texts') }} WHERE date IS NOT NULL
),
month_texts AS (
    SELECT t.month, count(DISTINCT t.text_id) AS month_texts
    FROM texts t JOIN {{ source('text_terms') }} p ON p.interaction_id = t.text_id AND p.theme = 'all'
    GROUP BY ALL
),
phrases AS (
    SELECT t.month, p.theme, p.term AS phrase, any_value(p.words) AS words,
           count(DISTINCT t.text_id) AS texts, count(DISTINCT t.contact_id) AS contacts
    FROM {{ source('text_terms') }} p
    JOIN texts t ON t.text_id = p.interaction_id
    WHERE p.words >= 2
    GROUP BY ALL
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY month, theme ORDER BY contacts DESC, texts DESC, phrase) AS rank
    FROM phrases
    WHERE contacts >= {{ var('min_group_size') }}
)
SELECT r.month, r.theme, r.rank, r.phrase, r.words, r.texts, r.contacts, m.month_texts, r.texts / m.month_texts AS share
FROM ranked r
JOIN month_texts m USING (month)
WHERE r.rank <= 25
ORDER BY r.month, r.theme, r.rank
