-- Sales-opportunity features per contact as of weekly snapshot dates (int_feature_snapshots: every
-- Friday from 91 days in, and the last day of data): one row per customer (not churned by then) who reached out
-- (an inbound call or text) in the 90 days before the snapshot. Positive engagement signals over the
-- 14 days up to as_of, against the 90 days: conversations with Sales and on the configured sales
-- topics (models.opportunity.salesTopics), the customer's sentiment (mean, positive and negative
-- conversations, the trend against the 90 days), questions the customer asked on calls, our
-- response speed to their texts; plus tenure, recency and whether they bought before.
-- label: the positive outcome (int_opportunity_outcomes) happened within horizonDays after as_of;
-- NULL while that window is incomplete. Sentiment is averaged as an exact decimal (12
-- places), so the result does not depend on the order rows are added in.
--
-- Built for a slice: the rows with as_of >= var('incremental_since') ('0001-01-01' on a full build)
-- and every row of the contacts incremental_keys() returns (changed stg_contacts keys; none on a full
-- build) — exactly those rows of a full build. A snapshot reads 90 days back, so inbound touches are
-- scanned from since - 90 on (texts and transcripts, dated their call's day give or take one, from
-- since - 120), plus the older ones of the changed contacts; the outcomes before and after a snapshot
-- are found with ASOF joins on the (small) outcome table, one probe per snapshot row.
WITH keys AS (
    SELECT DISTINCT key AS contact_id FROM incremental_keys()
),
snapshots AS (
    SELECT as_of, last_day FROM {{ ref('int_feature_snapshots') }}
),
touches AS (
    SELECT contact_id, date, line, topic, interaction_id, first_response_seconds
    FROM {{ ref('interactions') }}
    WHERE contact_id IS NOT NULL AND direction = 'incoming' AND date >= DATE {{ var('incremental_since') }} - 90
    UNION ALL
    SELECT i.contact_id, i.date, i.line, i.topic, i.interaction_id, i.first_response_seconds
    FROM keys k
    JOIN {{ ref('interactions') }} i ON i.contact_id = k.contact_id
    WHERE i.direction = 'incoming' AND i.date < DATE {{ var('incremental_since') }} - 90
),
keyed_ids AS (
    -- The changed contacts' touches (their texts and transcripts are read through a join, which an
    -- empty key set skips).
    SELECT i.interaction_id FROM keys k JOIN touches i ON i.contact_id = k.contact_id
),
texts AS (
    SELECT interaction_id, sentiment FROM {{ ref('int_interaction_texts') }}
    WHERE date >= DATE {{ var('incremental_since') }} - 120
    UNION ALL
    SELECT t.interaction_id, t.sentiment
    FROM keyed_ids k JOIN {{ ref('int_interaction_texts') }} t ON t.interaction_id = k.interaction_id
    WHERE t.date < DATE {{ var('incremental_since') }} - 120
),
transcripts AS (
    SELECT call_id, customer_questions FROM {{ ref('conversation_metrics') }}
    WHERE date >= DATE {{ var('incremental_since') }} - 120
    UNION ALL
    SELECT m.call_id, m.customer_questions
    FROM keyed_ids k JOIN {{ ref('conversation_metrics') }} m ON m.call_id = k.interaction_id
    WHERE m.date < DATE {{ var('incremental_since') }} - 120
),
inbound AS (
    SELECT i.contact_id, i.date, i.line,
           list_contains(string_split({{ var('opportunity_sales_topics') }}, ','), i.topic) AS sales_topic,
           t.sentiment,
           t.sentiment::DECIMAL(18, 12) AS sentiment_exact,
           m.customer_questions,
           i.first_response_seconds
    FROM touches i
    LEFT JOIN texts t ON t.interaction_id = i.interaction_id
    LEFT JOIN transcripts m ON m.call_id = i.interaction_id
),
population AS (
    SELECT s.as_of, s.last_day, c.contact_id, c.segment, c.customer_since, max(i.date) AS last_contact
    FROM snapshots s
    JOIN inbound i ON i.date <= s.as_of AND i.date > s.as_of - 90
    JOIN {{ ref('stg_contacts') }} c ON c.contact_id = i.contact_id
    WHERE c.customer_since <= s.as_of AND (c.churned_on IS NULL OR c.churned_on > s.as_of)
      AND (s.as_of >= DATE {{ var('incremental_since') }} OR c.contact_id IN (SELECT contact_id FROM keys))
    GROUP BY ALL
),
activity AS (
    SELECT p.as_of, p.contact_id,
        count(*) FILTER (WHERE i.date > p.as_of - 14)                                            AS contacts_14d,
        count(*)                                                                                AS contacts_90d,
        count(*) FILTER (WHERE i.date > p.as_of - 14 AND i.line = 'Sales')                       AS sales_contacts_14d,
        count(*) FILTER (WHERE i.date > p.as_of - 14 AND i.sales_topic)                          AS sales_topics_14d,
        count(*) FILTER (WHERE i.sales_topic)                                                   AS sales_topics_90d,
        count(*) FILTER (WHERE i.date > p.as_of - 14 AND i.sentiment > {{ var('sentiment_positive_above') }}) AS positive_14d,
        count(*) FILTER (WHERE i.date > p.as_of - 14 AND i.sentiment < {{ var('sentiment_negative_below') }}) AS negative_14d,
        count(*) FILTER (WHERE i.date > p.as_of - 14 AND i.sales_topic AND i.sentiment > {{ var('sentiment_positive_above') }}) AS positive_sales_14d,
        avg(i.sentiment_exact) FILTER (WHERE i.date > p.as_of - 14)::DOUBLE                      AS sentiment_14d,
        (avg(i.sentiment_exact) FILTER (WHERE i.date > p.as_of - 14) - avg(i.sentiment_exact))::DOUBLE AS sentiment_trend,
        coalesce(sum(i.customer_questions) FILTER (WHERE i.date > p.as_of - 14), 0)::BIGINT      AS questions_14d,
        median(i.first_response_seconds) FILTER (WHERE i.date > p.as_of - 14)                    AS response_seconds_14d
    FROM population p
    JOIN inbound i ON i.contact_id = p.contact_id AND i.date <= p.as_of AND i.date > p.as_of - 90
    GROUP BY ALL
),
outcomes AS (
    -- The latest outcome on or before as_of, and the first one after it, for the contacts with any.
    SELECT p.as_of, p.contact_id, b.outcome_on AS last_outcome, a.outcome_on AS next_outcome
    FROM (SELECT as_of, contact_id FROM population WHERE contact_id IN (SELECT contact_id FROM {{ ref('int_opportunity_outcomes') }})) p
    ASOF LEFT JOIN {{ ref('int_opportunity_outcomes') }} b ON b.contact_id = p.contact_id AND b.outcome_on <= p.as_of
    ASOF LEFT JOIN {{ ref('int_opportunity_outcomes') }} a ON a.contact_id = p.contact_id AND a.outcome_on > p.as_of
)
SELECT
    p.contact_id,
    p.as_of,
    p.segment,
    (p.as_of - p.customer_since)::BIGINT                      AS tenure_days,
    (p.as_of - p.last_contact)::BIGINT                        AS recency_days,
    a.contacts_14d, a.contacts_90d, a.sales_contacts_14d, a.sales_topics_14d, a.sales_topics_90d,
    a.positive_14d, a.negative_14d, a.positive_sales_14d, a.sentiment_14d, a.sentiment_trend,
    a.questions_14d, a.response_seconds_14d,
    (o.last_outcome IS NOT NULL)::BIGINT                      AS bought_before,
    (p.as_of - o.last_outcome)::BIGINT                        AS days_since_outcome,
    CASE WHEN p.as_of + {{ var('opportunity_horizon_days') }} > p.last_day THEN NULL
         ELSE coalesce(o.next_outcome <= p.as_of + {{ var('opportunity_horizon_days') }}, false) END AS label
FROM population p
JOIN activity a USING (as_of, contact_id)
LEFT JOIN outcomes o USING (as_of, contact_id)
ORDER BY p.as_of, p.contact_id
