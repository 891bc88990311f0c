-- Topics by customer segment (the contact's segment custom field) and month: inbound interactions
-- on each topic, how many distinct contacts raised it, its share of the segment's inbound
-- interactions, and how the customers felt about it (share of negative texts, mean sentiment of
-- the customer texts tied to those interactions). Interactions from unknown numbers are segment 'Unknown'.
WITH inbound AS (
    SELECT i.interaction_id, strftime(i.date, '%Y-%m') AS month, coalesce(c.segment, 'Unknown') AS segment, i.topic, i.contact_id
    FROM {{ ref('interactions') }} i
    LEFT JOIN {{ ref('stg_contacts') }} c USING (contact_id)
    WHERE i.direction = 'incoming'
),
feel AS (
    SELECT text_id AS interaction_id, sentiment, sentiment_label FROM {{ ref('int_customer_texts') }} WHERE source <> 'survey'
),
agg AS (
    SELECT
        month, segment, topic,
        count(*)                                                       AS interactions,
        count(DISTINCT contact_id)                                     AS contacts,
        count(f.sentiment)                                             AS texts,
        count(*) FILTER (WHERE f.sentiment_label = 'negative')         AS negative_texts,
        avg(f.sentiment::DECIMAL(18, 12))::DOUBLE                      AS avg_sentiment -- exact decimal sum: the same bits whatever the row order
    FROM inbound
    LEFT JOIN feel f USING (interaction_id)
    GROUP BY ALL
)
SELECT
    month, segment, topic, interactions, contacts,
    interactions / sum(interactions) OVER (PARTITION BY month, segment) AS share_of_segment,
    texts,
    negative_texts / nullif(texts, 0)                                  AS negative_share,
    avg_sentiment
FROM agg
ORDER BY month, segment, topic
