-- Every text in the customer's own voice, one row each, with who (pseudonymised contact), when
-- (business-local day), where (line) and how it felt: inbound messages, calls (the customer's
-- sentiment at the end of the transcript, else the summary's) and survey comments. The basis of
-- sentiment, tags and segment marts. text: redacted, lower-cased (a call's summary). sentiment_label
-- uses text.sentiment's thresholds.
WITH texts AS (
    SELECT * FROM {{ ref('int_interaction_texts') }}
),
interactions AS (
    SELECT interaction_id, channel, date, line, direction, contact_id, topic FROM {{ ref('interactions') }}
),
comments AS (
    SELECT s.response_id, s.date, s.interaction_id, s.contact_id, lower(c.comment) AS text, c.sentiment
    FROM {{ ref('stg_survey_responses') }} s
    JOIN {{ source('survey_comments') }} c ON c.response_id = s.response_id
),
unified AS (
    SELECT t.interaction_id AS text_id, t.channel AS source, i.date, i.line, i.contact_id, i.topic, t.text, t.sentiment, t.escalation_requested
    FROM texts t
    JOIN interactions i USING (interaction_id)
    UNION ALL
    SELECT c.response_id, 'survey', c.date, i.line, coalesce(c.contact_id, i.contact_id), i.topic, c.text, c.sentiment, false
    FROM comments c
    LEFT JOIN interactions i USING (interaction_id)
)
SELECT
    *,
    CASE WHEN sentiment < {{ var('sentiment_negative_below') }} THEN 'negative'
         WHEN sentiment > {{ var('sentiment_positive_above') }} THEN 'positive'
         ELSE 'neutral' END AS sentiment_label
FROM unified
