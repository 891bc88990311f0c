-- KPIs by customer segment and month: contacts in touch, inbound calls and their answer rate and
-- handle time, inbound texts, NPS and CSAT of the segment's survey responses (definitions as in
-- nps_weekly and csat_weekly), customer sentiment (share of negative customer texts, mean score),
-- escalated calls, and how many of the contacts in touch that month carry each contact tag (applied
-- by the month's end). `contacts` lets reports hide segments smaller than min_group_size.
WITH contacts AS (
    SELECT contact_id, segment FROM {{ ref('stg_contacts') }}
),
inbound AS (
    SELECT strftime(i.date, '%Y-%m') AS month, coalesce(c.segment, 'Unknown') AS segment, i.*
    FROM {{ ref('interactions') }} i LEFT JOIN contacts c USING (contact_id)
    WHERE i.direction = 'incoming'
),
touch AS (
    SELECT month, segment,
        count(DISTINCT contact_id)                                              AS contacts,
        count(*) FILTER (WHERE channel = 'call')                                AS inbound_calls,
        count(*) FILTER (WHERE channel = 'call' AND outcome = 'answered')       AS answered_calls,
        count(*) FILTER (WHERE channel = 'call' AND outcome = 'answered' AND transfers > 0) AS transferred_calls,
        count(*) FILTER (WHERE channel = 'message')                             AS inbound_messages
    FROM inbound GROUP BY ALL
),
handle AS (
    SELECT strftime(k.date, '%Y-%m') AS month, coalesce(c.segment, 'Unknown') AS segment, avg(k.handle_seconds) AS avg_handle_seconds
    FROM {{ ref('calls') }} k LEFT JOIN contacts c USING (contact_id)
    WHERE k.direction = 'incoming' AND k.outcome = 'answered'
    GROUP BY ALL
),
surveys AS (
    SELECT strftime(s.date, '%Y-%m') AS month, coalesce(c.segment, 'Unknown') AS segment,
        count(s.nps) AS nps_responses, 100.0 * (count(*) FILTER (WHERE s.nps >= 9) - count(*) FILTER (WHERE s.nps <= 6)) / nullif(count(s.nps), 0) AS nps,
        count(s.csat) AS csat_responses, 100.0 * count(*) FILTER (WHERE s.csat >= 4) / nullif(count(s.csat), 0) AS csat
    FROM {{ ref('stg_survey_responses') }} s
    LEFT JOIN {{ ref('interactions') }} i ON i.interaction_id = s.interaction_id
    LEFT JOIN contacts c ON c.contact_id = coalesce(s.contact_id, i.contact_id)
    GROUP BY ALL
),
feel AS (
    SELECT strftime(x.date, '%Y-%m') AS month, coalesce(c.segment, 'Unknown') AS segment,
        count(*) AS customer_texts, count(*) FILTER (WHERE x.sentiment_label = 'negative') AS negative_texts, avg(x.sentiment) AS avg_sentiment
    FROM {{ ref('int_customer_texts') }} x LEFT JOIN contacts c USING (contact_id)
    WHERE x.date IS NOT NULL
    GROUP BY ALL
),
tags AS (
    SELECT m.month, m.segment,
        count(DISTINCT t.contact_id) FILTER (WHERE t.tag = 'problem_customer')   AS problem_customers,
        count(DISTINCT t.contact_id) FILTER (WHERE t.tag = 'repeat_caller')      AS repeat_callers,
        count(DISTINCT t.contact_id) FILTER (WHERE t.tag = 'frequent_escalator') AS frequent_escalators
    FROM (SELECT DISTINCT month, segment, contact_id FROM inbound WHERE contact_id IS NOT NULL) m
    JOIN {{ ref('contact_tags') }} t ON t.contact_id = m.contact_id AND strftime(t.applied_on, '%Y-%m') <= m.month
    GROUP BY ALL
)
SELECT
    t.month, t.segment, t.contacts, t.inbound_calls, t.answered_calls,
    t.answered_calls / nullif(t.inbound_calls, 0)          AS answer_rate,
    h.avg_handle_seconds,
    t.transferred_calls / nullif(t.answered_calls, 0)      AS transfer_rate,
    t.inbound_messages,
    coalesce(s.nps_responses, 0)                           AS nps_responses, s.nps,
    coalesce(s.csat_responses, 0)                          AS csat_responses, s.csat,
    coalesce(f.customer_texts, 0)                          AS customer_texts,
    f.negative_texts / nullif(f.customer_texts, 0)         AS negative_share,
    f.avg_sentiment,
    coalesce(g.problem_customers, 0)                       AS problem_customers,
    coalesce(g.repeat_callers, 0)                          AS repeat_callers,
    coalesce(g.frequent_escalators, 0)                     AS frequent_escalators
FROM touch t
LEFT JOIN handle h USING (month, segment)
LEFT JOIN surveys s USING (month, segment)
LEFT JOIN feel f USING (month, segment)
LEFT JOIN tags g USING (month, segment)
ORDER BY t.month, t.segment
