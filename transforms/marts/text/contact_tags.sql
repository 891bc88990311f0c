-- Contact tags, recomputed from all the data on every run: one row per contact and tag, with the
-- reason (the evidence that met the rule) and the day the rule was first met (applied_on).
-- Rules (text.tags in the config): problem_customer — repeated negative experience: at least
-- problem_min (3) signals within problem_days (30) days, the signals (problem_signals) being a
-- customer text in negative sentiment, a detractor or dissatisfied survey score (NPS ≤ 6 or
-- CSAT ≤ 2) and an unresolved attempt (an inbound call missed, abandoned or sent to voicemail);
-- repeat_caller — at least repeat_min (3)
-- inbound calls within repeat_days (7); frequent_escalator — at least escalator_min (3)
-- escalations (an answered inbound call transferred on, or the customer asking for a manager or
-- supervisor) within escalator_days (90); and the custom rules (topic, phrase, negative).
-- A window counts the days [d − days + 1, d] ending on an evidence day d.
WITH texts AS (
    SELECT * FROM {{ ref('int_customer_texts') }} WHERE contact_id IS NOT NULL AND date IS NOT NULL
),
calls AS (
    SELECT * FROM {{ ref('interactions') }} WHERE channel = 'call' AND direction = 'incoming' AND contact_id IS NOT NULL
),
custom AS (
    SELECT * FROM (SELECT unnest(from_json({{ var('custom_tags_json') }}, '[{"tag":"VARCHAR","topic":"VARCHAR","phrase":"VARCHAR","negative":"BOOLEAN","min":"BIGINT","withinDays":"BIGINT"}]'), recursive := true))
),
rules AS (
    SELECT 'problem_customer' AS tag, {{ var('problem_min') }}::BIGINT AS min_n, {{ var('problem_days') }}::BIGINT AS days, 'negative experiences' AS what
    UNION ALL SELECT 'repeat_caller', {{ var('repeat_min') }}, {{ var('repeat_days') }}, 'inbound calls'
    UNION ALL SELECT 'frequent_escalator', {{ var('escalator_min') }}, {{ var('escalator_days') }}, 'escalations (transferred calls or requests for a manager)'
    UNION ALL SELECT tag, "min", withinDays,
        concat_ws(' ', CASE WHEN negative THEN 'negative' END, 'interactions', CASE WHEN topic IS NOT NULL THEN 'on ' || topic END,
                  CASE WHEN phrase IS NOT NULL THEN 'saying "' || phrase || '"' END)
    FROM custom
),
signals AS (
    SELECT 'negative_text' AS kind, contact_id, date FROM texts WHERE sentiment_label = 'negative'
    UNION ALL
    SELECT 'low_score', contact_id, date FROM {{ ref('stg_survey_responses') }} WHERE contact_id IS NOT NULL AND (is_detractor(nps) OR csat <= 2)
    UNION ALL
    SELECT 'unresolved', contact_id, date FROM calls WHERE outcome IN ('missed', 'abandoned', 'voicemail')
),
events AS (
    SELECT 'problem_customer' AS tag, contact_id, date, replace(kind, '_', ' ') AS kind FROM signals
    WHERE list_contains(string_split({{ var('problem_signals') }}, ','), kind)
    UNION ALL
    SELECT 'repeat_caller', contact_id, date, 'inbound call' FROM calls
    UNION ALL
    SELECT 'frequent_escalator', contact_id, date, 'transferred call' FROM calls WHERE outcome = 'answered' AND is_transferred(transfers)
    UNION ALL
    SELECT 'frequent_escalator', contact_id, date, 'request for a manager' FROM texts WHERE escalation_requested
    UNION ALL
    SELECT r.tag, x.contact_id, x.date, 'match'
    FROM texts x
    JOIN custom r ON (r.topic IS NULL OR x.topic = r.topic)
                 AND (r.phrase IS NULL OR contains(coalesce(x.text, ''), r.phrase))
                 AND (NOT coalesce(r.negative, false) OR x.sentiment_label = 'negative')
),
in_window AS (
    -- For each evidence day, the evidence within the rule's window ending that day, by kind.
    SELECT e.tag, e.contact_id, e.date AS window_end, p.kind, min(p.date) AS first_day, count(*) AS n
    FROM (SELECT DISTINCT tag, contact_id, date FROM events) e
    JOIN rules r USING (tag)
    JOIN events p ON p.tag = e.tag AND p.contact_id = e.contact_id AND p.date BETWEEN e.date - CAST(r.days - 1 AS INTEGER) AND e.date
    GROUP BY ALL
),
windows AS (
    SELECT tag, contact_id, window_end, min(first_day) AS window_start, sum(n)::BIGINT AS n,
           string_agg(kind || ': ' || n, ', ' ORDER BY n DESC, kind) AS detail
    FROM in_window
    GROUP BY ALL
),
met AS (
    SELECT w.*, r.min_n, r.days, r.what FROM windows w JOIN rules r USING (tag) WHERE w.n >= r.min_n
),
totals AS (
    SELECT tag, contact_id, count(*) AS evidence_total, max(date) AS last_evidence_on FROM events GROUP BY ALL
)
SELECT
    m.contact_id,
    m.tag,
    min(m.window_end)                                                        AS applied_on,
    arg_min(m.n || ' ' || m.what || ' within ' || m.days || ' days (' || m.window_start || ' to ' || m.window_end || '): ' || m.detail, m.window_end) AS reason,
    arg_min(m.n, m.window_end)                                               AS evidence_in_window,
    any_value(t.evidence_total)                                              AS evidence_total,
    any_value(t.last_evidence_on)                                            AS last_evidence_on,
    count(*)                                                                 AS days_rule_met
FROM met m
JOIN totals t USING (tag, contact_id)
GROUP BY m.contact_id, m.tag
ORDER BY m.contact_id, m.tag
