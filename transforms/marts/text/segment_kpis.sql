-- KPIs by customer segment and month: contacts in touch, inbound calls and their answer rate and
-- handle time, inbound texts, NPS and CSAT of the segment's survey responses, customer sentiment
-- (share of negative customer texts, mean score) — every KPI read from the metrics mart (shares 0–1),
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
        count(*) FILTER (WHERE channel = 'message')                             AS inbound_messages
    FROM inbound GROUP BY ALL
),
-- The KPIs themselves come from the metrics mart (month × segment), where each is defined once.
kpis AS (
    SELECT strftime(period_start, '%Y-%m') AS month, member AS segment,
        max(n) FILTER (WHERE metric = 'answer_rate')             AS inbound_calls,
        max(sum_x) FILTER (WHERE metric = 'answer_rate')         AS answered_calls,
        max(value) FILTER (WHERE metric = 'answer_rate')         AS answer_rate,
        max(value) FILTER (WHERE metric = 'aht_seconds')         AS avg_handle_seconds,
        max(value) FILTER (WHERE metric = 'transfer_rate')       AS transfer_rate,
        max(n) FILTER (WHERE metric = 'nps')                     AS nps_responses,
        max(value) FILTER (WHERE metric = 'nps')                 AS nps,
        max(n) FILTER (WHERE metric = 'csat')                    AS csat_responses,
        max(value) FILTER (WHERE metric = 'csat')                AS csat,
        max(n) FILTER (WHERE metric = 'sentiment')               AS customer_texts,
        max(value) FILTER (WHERE metric = 'negative_share')      AS negative_share,
        max(value) FILTER (WHERE metric = 'sentiment')           AS avg_sentiment
    FROM {{ ref('metrics') }}
    WHERE period = 'month' AND dimension = 'segment'
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
    t.month, t.segment, t.contacts,
    CAST(coalesce(k.inbound_calls, 0) AS BIGINT)           AS inbound_calls,
    CAST(coalesce(k.answered_calls, 0) AS BIGINT)          AS answered_calls,
    k.answer_rate,
    k.avg_handle_seconds,
    k.transfer_rate,
    t.inbound_messages,
    coalesce(k.nps_responses, 0)                           AS nps_responses, k.nps,
    coalesce(k.csat_responses, 0)                          AS csat_responses, k.csat,
    coalesce(k.customer_texts, 0)                          AS customer_texts,
    k.negative_share,
    k.avg_sentiment,
    coalesce(g.problem_customers, 0)                       AS problem_customers,
    coalesce(g.repeat_callers, 0)                          AS repeat_callers,
    coalesce(g.frequent_escalators, 0)                     AS frequent_escalators
FROM touch t
LEFT JOIN kpis k USING (month, segment)
LEFT JOIN tags g USING (month, segment)
ORDER BY t.month, t.segment
